"use client";

import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from "react";

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type=hidden])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "[tabindex]:not([tabindex='-1'])",
].join(",");
const FIELDS = "input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled])";

const focusables = (root: HTMLElement) =>
  [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => !element.closest("[inert]"));

/**
 * Where focus goes when a dialog opens: its first field, else the element marked
 * `data-autofocus` (the safe choice of a confirmation, Cancel), else its first control.
 */
function initialFocus(dialog: HTMLElement): HTMLElement | undefined {
  return dialog.querySelector<HTMLElement>(FIELDS) ?? dialog.querySelector<HTMLElement>("[data-autofocus]") ?? focusables(dialog)[0];
}

/**
 * A modal on the native <dialog>: it opens on its first field, Tab and Shift+Tab cycle inside it,
 * Escape closes it, and focus returns to the element that opened it. Children mount only while
 * open (forms start fresh).
 */
export function Modal({
  open,
  onClose,
  title,
  description,
  children,
  busy = false,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  /** While a request runs, Escape and the backdrop do not close it. */
  busy?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      initialFocus(dialog)?.focus();
    }
    if (!open && dialog.open) dialog.close();
    if (!open && opener.current) {
      // Back to the opener, if it is still on the page (a deleted row's button is not).
      if (opener.current.isConnected) opener.current.focus();
      opener.current = null;
    }
  }, [open]);

  /** Tab from the last control goes to the first, Shift+Tab from the first to the last: focus never leaves the dialog. */
  function trapTab(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key !== "Tab" || !ref.current) return;
    const items = focusables(ref.current);
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !ref.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !ref.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={onClose}
      onKeyDown={trapTab}
      onCancel={(event) => {
        if (busy) event.preventDefault(); // Escape
      }}
      onClick={(event) => {
        if (event.target === ref.current && !busy) onClose(); // a click on the backdrop
      }}
    >
      {open ? (
        <div className="modal-content">
          <div className="modal-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="btn btn-ghost btn-icon" onClick={onClose} disabled={busy} aria-label="Close dialog">
              <span aria-hidden="true">×</span>
            </button>
          </div>
          {description ? (
            <div id={descriptionId} className="modal-description">
              {description}
            </div>
          ) : null}
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  pendingLabel,
  pending,
  error,
  onConfirm,
  onCancel,
  tone = "danger",
}: {
  open: boolean;
  title: ReactNode;
  children: ReactNode;
  confirmLabel: string;
  /** "primary" for a confirmation that destroys nothing (e.g. rotating a signing key). */
  tone?: "danger" | "primary";
  pendingLabel?: string;
  pending?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal open={open} onClose={onCancel} busy={pending} title={title} description={children}>
      {error ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}
      <div className="modal-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={pending} data-autofocus>
          Cancel
        </button>
        <button type="button" className={`btn btn-${tone}`} onClick={onConfirm} disabled={pending}>
          {pending ? (pendingLabel ?? "Working…") : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
