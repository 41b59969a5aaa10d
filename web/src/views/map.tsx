/** Persons laid out in 2-D by UMAP over their centroids: neighbours may be one person. */
import { useState } from 'preact/hooks';
import { faceThumb, library, personLabel, type MapPoint } from '../api';
import { ErrorBox } from '../components';
import { href } from '../router';
import { useAsync } from '../use-async';

/** A coordinate in [0, 1] as a CSS position, 24px in from the edges. */
const place = (v: number) => `calc(24px + ${v.toFixed(4)} * (100% - 48px))`;

export function MapView() {
  const map = useAsync(() => library.map(), []);
  const [hover, setHover] = useState<MapPoint | null>(null);
  const points = map.data?.points ?? [];
  const largest = Math.max(1, ...points.map((p) => p.faceCount));
  return (
    <section aria-labelledby="map-title">
      <div class="toolbar">
        <h1 id="map-title">Map</h1>
        {map.data && (
          <span class="muted">
            {points.length} of {map.data.totalPersons} persons, close together = similar faces
          </span>
        )}
      </div>
      <ErrorBox error={map.error} />
      {map.loading && !map.data && <p class="muted">Laying out persons…</p>}
      <div class="map">
        {points.map((p) => {
          const label = personLabel({ id: p.personId, name: p.name });
          const size = 10 + 14 * Math.sqrt(p.faceCount / largest);
          return (
            <a
              key={p.personId}
              class="map-point"
              href={href.person(p.personId)}
              style={{ left: place(p.x), top: place(p.y), width: `${size}px`, height: `${size}px` }}
              aria-label={`${label}, ${p.faceCount} faces`}
              onMouseEnter={() => setHover(p)}
              onFocus={() => setHover(p)}
              onMouseLeave={() => setHover(null)}
              onBlur={() => setHover(null)}
            />
          );
        })}
        {hover && (
          <div class="map-card" style={{ left: place(hover.x), top: place(hover.y) }}>
            {hover.portraitFaceId && <img src={faceThumb(hover.portraitFaceId)} alt="" width={72} height={72} />}
            <span>{personLabel({ id: hover.personId, name: hover.name })}</span>
            <span class="muted">{hover.faceCount} faces</span>
          </div>
        )}
      </div>
    </section>
  );
}
