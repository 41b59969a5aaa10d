/** A photo with every face's box and person name over it; a face opens its person. */
import { useState } from 'preact/hooks';
import { boxRect, media, photoImage } from '../api';
import { ErrorBox } from '../components';
import { href } from '../router';
import { useAsync } from '../use-async';

export function PhotoView({ id }: { id: number }) {
  const photo = useAsync(() => media.get(id), [id]);
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const p = photo.data;
  if (!p) return photo.error ? <ErrorBox error={photo.error} /> : <p class="muted">Loading…</p>;
  const size = p.width && p.height ? { w: p.width, h: p.height } : natural;
  return (
    <section aria-labelledby="photo-title">
      <h1 id="photo-title">{p.fileName ?? `Photo ${p.id}`}</h1>
      <div class="photo-frame">
        <img
          src={photoImage(p.id)}
          alt={p.fileName ?? ''}
          onLoad={(e) => {
            const img = e.target as HTMLImageElement;
            setNatural({ w: img.naturalWidth, h: img.naturalHeight });
          }}
        />
        {size &&
          p.faces.map((f) => {
            const r = boxRect(f);
            if (!r) return null;
            const label = f.personName ?? (f.personId ? `Person ${f.personId}` : 'Unassigned');
            const style = {
              left: `${(100 * r.x) / size.w}%`,
              top: `${(100 * r.y) / size.h}%`,
              width: `${(100 * r.w) / size.w}%`,
              height: `${(100 * r.h) / size.h}%`,
            };
            return f.personId ? (
              <a key={f.id} class="face-box" style={style} href={href.person(f.personId)} data-face-id={f.id}>
                <span>{label}</span>
              </a>
            ) : (
              <a key={f.id} class="face-box unassigned" style={style} href="#/unassigned" data-face-id={f.id}>
                <span>{label}</span>
              </a>
            );
          })}
      </div>
      <p class="muted">{p.filePath}</p>
    </section>
  );
}
