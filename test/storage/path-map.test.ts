import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { silentLogger } from '../../src/pipeline/context.js';
import { Services } from '../../src/services.js';
import { mapPath, parsePathMap, unmapPath } from '../../src/storage/path-map.js';

const LEGACY = 'C:/Users/ADMIN/Downloads/DeepFrame-UP/services/image_grouping/image_face_detection/Images';

describe('FRS_PATH_MAP', () => {
  it("maps the replaced system's Windows paths case-insensitively, with \\ and / alike", () => {
    const rules = parsePathMap(`${LEGACY}=>/data/photos; D:\\Archive\\=>archive/2019`);
    expect(mapPath(`${LEGACY}/hamidMir.jpg`, rules)).toBe('/data/photos/hamidMir.jpg');
    expect(
      mapPath(
        `c:\\users\\admin\\downloads\\DeepFrame-UP\\services\\image_grouping\\image_face_detection\\images\\Sub\\IK.png`,
        rules,
      ),
    ).toBe('/data/photos/Sub/IK.png');
    // Blob prefix as the target; the rest of the path keeps its letters.
    expect(mapPath('d:/archive/Party/A.JPG', rules)).toBe('archive/2019/Party/A.JPG');
    // Only whole segments match, and unmatched paths stay as they are.
    expect(mapPath(`${LEGACY}2/x.jpg`, rules)).toBe(`${LEGACY}2/x.jpg`);
    expect(mapPath('/data/photos/x.jpg', rules)).toBe('/data/photos/x.jpg');
  });

  it('matches POSIX prefixes exactly and prefers the longest prefix', () => {
    const rules = parsePathMap('/mnt/old=>/srv/a;/mnt/old/special=>/srv/b');
    expect(mapPath('/mnt/old/x.jpg', rules)).toBe('/srv/a/x.jpg');
    expect(mapPath('/mnt/old/special/x.jpg', rules)).toBe('/srv/b/x.jpg');
    expect(mapPath('/MNT/old/x.jpg', rules)).toBe('/MNT/old/x.jpg');
  });

  it('maps a local path under a target back to the registered form', () => {
    const rules = parsePathMap(`${LEGACY}=>/data/photos;D:\\Archive=>/data/archive`);
    expect(unmapPath('/data/photos/sub/a.jpg', rules)).toBe(`${LEGACY}/sub/a.jpg`);
    expect(unmapPath('/data/archive/a.jpg', rules)).toBe('D:\\Archive\\a.jpg');
    expect(unmapPath('/elsewhere/a.jpg', rules)).toBe('/elsewhere/a.jpg');
  });

  it('is validated by the settings schema with an error naming the setting', () => {
    expect(loadSettings({ FRS_PATH_MAP: `${LEGACY}=>/data/photos` }).FRS_PATH_MAP).toBe(`${LEGACY}=>/data/photos`);
    expect(() => loadSettings({ FRS_PATH_MAP: 'C:/photos' })).toThrow(
      /FRS_PATH_MAP: "C:\/photos" is not a from=>to pair/,
    );
    expect(() => loadSettings({ FRS_PATH_MAP: '=>/x' })).toThrow(/FRS_PATH_MAP: .*empty "from"/);
  });
});

describe('Services.locateOriginal', () => {
  it('maps to a blob name in the media container when Blob Storage is configured, to a local file otherwise', () => {
    const map = `${LEGACY}=>legacy/photos`;
    const blob = new Services(
      loadSettings({ FRS_BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true', FRS_PATH_MAP: map }),
      silentLogger,
    );
    expect(blob.locateOriginal(`${LEGACY.toUpperCase()}\\2019\\a.jpg`)).toEqual({ blob: 'legacy/photos/2019/a.jpg' });
    expect(blob.locateOriginal('uploads/b.jpg')).toEqual({ blob: 'uploads/b.jpg' });
    const local = new Services(
      loadSettings({ FRS_MEDIA_DIR: '/srv/media', FRS_PATH_MAP: `${LEGACY}=>/data/photos` }),
      silentLogger,
    );
    expect(local.locateOriginal(`${LEGACY}/a.jpg`)).toEqual({ file: '/data/photos/a.jpg' });
    expect(local.locateOriginal('rel/b.jpg')).toEqual({ file: '/srv/media/rel/b.jpg' });
  });
});
