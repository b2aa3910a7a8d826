"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/** The value once it has stopped changing for `delay` ms (search boxes). */
export function useDebounced<T>(value: T, delay = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}

/**
 * Fields whose errors may show because the operator has left them. A blur caused by pressing a
 * button is applied after that click: otherwise the message appearing above the button moves it
 * between mousedown and mouseup, and the click is lost.
 */
export function useTouched() {
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const pressing = useRef(false);
  const pending = useRef(new Set<string>());
  useEffect(() => {
    const flush = () => {
      pressing.current = false;
      if (pending.current.size === 0) return;
      const keys = [...pending.current];
      pending.current.clear();
      setTouched((current) => new Set([...current, ...keys]));
    };
    const down = () => {
      pressing.current = true;
    };
    const up = () => setTimeout(flush, 0); // after the click event of this press
    document.addEventListener("pointerdown", down, true);
    document.addEventListener("pointerup", up, true);
    document.addEventListener("pointercancel", up, true);
    return () => {
      document.removeEventListener("pointerdown", down, true);
      document.removeEventListener("pointerup", up, true);
      document.removeEventListener("pointercancel", up, true);
    };
  }, []);
  const touch = useCallback((key: string) => {
    if (pressing.current) pending.current.add(key);
    else setTouched((current) => (current.has(key) ? current : new Set([...current, key])));
  }, []);
  return [touched, touch] as const;
}

/**
 * After a submit that found invalid fields: moves focus to the first field marked invalid
 * (aria-invalid, in the order the form shows them) once the messages have rendered. Attach `ref`
 * to the form and call `focusFirstInvalid()` with the state updates that show the errors.
 */
export function useFocusFirstInvalid<T extends HTMLElement = HTMLFormElement>() {
  const ref = useRef<T>(null);
  const [request, setRequest] = useState(0);
  useEffect(() => {
    if (request === 0) return;
    ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [request]);
  const focusFirstInvalid = useCallback(() => setRequest((n) => n + 1), []);
  return { ref, focusFirstInvalid };
}
