export default function Loading() {
  return (
    <div role="status" aria-label="Loading">
      <div className="skeleton skeleton-title" />
      <div className="skeleton skeleton-text" />
      <div className="card" style={{ marginTop: 24 }}>
        <div className="skeleton-list">
          {Array.from({ length: 5 }, (_, i) => (
            <div key={i} className="skeleton skeleton-row" />
          ))}
        </div>
      </div>
    </div>
  );
}
