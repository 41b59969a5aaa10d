/**
 * Every FRS setting, in one zod schema: the single source of truth for defaults,
 * validation, local.settings.example.json, the README table and the infra app settings
 * (test/config checks they agree). Keys are the environment variable / app setting names.
 */
import { z } from 'zod';
import { FrsError } from '../errors.js';
import { ncrontabProblem } from './ncrontab.js';
import { parsePathMap } from '../storage/path-map.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1');

export const settingsSchema = z.object({
  // --- data & storage ---
  FRS_DATABASE: z
    .string()
    .min(1)
    .default('./.frs/frs.db')
    .describe('SQLite file path (embedded default) or an SQL Server / Azure SQL connection string.'),
  FRS_MEDIA_DIR: z
    .string()
    .min(1)
    .default('./.frs/media')
    .describe('Local folder holding originals when no Blob account is set.'),
  FRS_THUMBNAILS_DIR: z
    .string()
    .min(1)
    .default('./.frs/thumbnails')
    .describe('Local folder for face thumbnails when no Blob account is set.'),
  FRS_BLOB_CONNECTION_STRING: z
    .string()
    .optional()
    .describe(
      'Blob Storage connection string; when set (or FRS_BLOB_ACCOUNT_URL), originals and thumbnails live in Blob Storage.',
    ),
  FRS_BLOB_ACCOUNT_URL: z
    .string()
    .url()
    .optional()
    .describe('Blob endpoint used with managed identity, e.g. https://<account>.blob.core.windows.net.'),
  FRS_MEDIA_CONTAINER: z
    .string()
    .min(3)
    .max(63)
    .default('media')
    .describe('Blob container with the photos to process.'),
  FRS_THUMBNAILS_CONTAINER: z
    .string()
    .min(3)
    .max(63)
    .default('thumbnails')
    .describe('Blob container for face thumbnails.'),
  FRS_PATH_MAP: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      try {
        parsePathMap(text);
      } catch (err) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
      }
    })
    .describe(
      'Where registered originals are now: from=>to pairs separated by ";" (e.g. C:/Users/ADMIN/Images=>/data/photos). A MediaFile.FilePath starting with "from" is read from "to" plus the rest of the path; "to" is a local folder, or a blob name prefix with Blob Storage. Windows prefixes match case-insensitively, with \\ and / alike.',
    ),

  // --- models & vision ---
  FRS_MODEL_MANIFEST: z
    .string()
    .min(1)
    .default('models/manifest.json')
    .describe('Model manifest (detector, landmarks, embedder) relative to the app root or absolute.'),
  FRS_INTRA_OP_THREADS: int(0, 64)
    .default(0)
    .describe('ONNX Runtime intra-op threads per session; 0 lets ONNX Runtime choose (one per core).'),
  FRS_MAX_PIXELS: int(1, 1_000_000_000)
    .default(60_000_000)
    .describe(
      'Largest image (width x height) FRS decodes; larger ones fail with IMAGE_TOO_LARGE (decompression-bomb guard).',
    ),
  FRS_MAX_UPLOAD_BYTES: int(1, 1_073_741_824)
    .default(30 * 1024 * 1024)
    .describe(
      'Largest request body the HTTP test function accepts; on Azure also the largest upload Event Grid delivers to detectOnUpload (infra/hooks/postdeploy.sh).',
    ),
  FRS_TEST_RATE_PER_MINUTE: int(0, 100_000)
    .default(30)
    .describe(
      'Requests a minute one instance of the HTTP test function serves (it runs the models; bursts up to a quarter of it); more get 429 RATE_LIMITED. 0 turns the endpoint off.',
    ),
  FRS_SQLITE_BUSY_TIMEOUT_MS: int(0, 600_000)
    .default(15_000)
    .describe(
      'How long an SQLite write waits for another process holding the lock before failing with DATABASE_ERROR (SQLite only).',
    ),
  FRS_MAX_ORIGINAL_BYTES: int(1, 4_294_967_296)
    .default(200 * 1024 * 1024)
    .describe(
      'Largest original (local file or blob) FRS reads; a larger one is recorded as a failed item (FILE_TOO_LARGE) without being read.',
    ),
  FRS_MIN_DETECTION_SCORE: num(0, 1).default(0.4).describe('Faces scoring below this are dropped.'),
  FRS_MIN_FACE_SIZE: int(1, 10_000)
    .default(24)
    .describe('Faces whose box side is smaller than this many pixels are dropped.'),
  FRS_LANDMARK_CHECK_SCORE: num(0, 1)
    .default(0.6)
    .describe(
      'Detections scoring below this get a second look: they are kept only where the landmark model places the eyes of a face (non-faces such as a chest or a pattern fail it). 0 turns the check off. Measured in bench/results/quality.md.',
    ),
  FRS_MIN_FACE_QUALITY: num(0, 1)
    .default(0.3)
    .describe(
      'Faces whose quality score (0..1: size, sharpness, landmarks, detector score; src/vision/face-quality.ts) is below this never start or bridge a new person; they still join a person or cluster they match at FRS_LOW_QUALITY_MATCH_THRESHOLD. 0 turns it off. Calibrated in bench/results/quality.md.',
    ),
  FRS_LOW_QUALITY_MATCH_THRESHOLD: num(-1, 1)
    .default(0.97)
    .describe(
      'Cosine similarity a low-quality face (below FRS_MIN_FACE_QUALITY) needs to join a person or a new cluster; never below FRS_MATCH_THRESHOLD. Profiles and blurred faces drift towards other people.',
    ),
  FRS_QUALITY_FACE_SIZE: int(1, 10_000)
    .default(64)
    .describe(
      'Box side in pixels from which a face counts as large enough for full quality (at FRS_MIN_FACE_SIZE it scores 0). Applies to faces detected or embedded from then on.',
    ),
  FRS_QUALITY_SHARPNESS: num(0, 1_000_000)
    .default(20)
    .describe(
      'Sharpness (variance of the Laplacian of the 150 px aligned chip) from which a face counts as sharp enough for full quality; blurred and blown-up faces score below. Applies to faces detected or embedded from then on.',
    ),
  FRS_THUMBNAIL_SIZE: int(16, 2048).default(160).describe('Side of the square JPEG face thumbnail, in pixels.'),
  FRS_THUMBNAIL_MARGIN: num(0, 2)
    .default(0.2)
    .describe('Margin added around the face box on each side of the thumbnail, as a share of the box side.'),

  // --- recognition & clustering ---
  FRS_MATCH_THRESHOLD: num(-1, 1)
    .default(0.95)
    .describe(
      'Cosine similarity at or above which an unassigned face joins an existing person (calibrated on LFW for the bundled embedder: bench/results/lfw.md).',
    ),
  FRS_MATCH_MODE: z
    .enum(['centroid', 'nearest-face'])
    .default('centroid')
    .describe(
      "Compare a new face with each person's centroid (more precise on LFW) or with the person's nearest face.",
    ),
  FRS_DBSCAN_EPS: num(0, 2)
    .default(0.035)
    .describe(
      'DBSCAN neighbourhood radius in cosine distance (1 - similarity); calibrated on LFW for the bundled embedder.',
    ),
  FRS_DBSCAN_MIN_POINTS: int(1, 1000)
    .default(2)
    .describe('DBSCAN minimum neighbourhood size (the face itself included) for a core face.'),
  FRS_DBSCAN_NOISE_EPS: num(0, 2)
    .default(0.0425)
    .describe(
      'Faces no person or cluster took are clustered once more with DBSCAN at this wider radius (cosine distance); 0 turns it off. Calibrated on LFW: bench/results/quality.md.',
    ),
  FRS_CLUSTER_MERGE_THRESHOLD: num(0, 1)
    .default(0.97)
    .describe(
      'New clusters whose centroids are at least this similar become one person (FRS_MATCH_MODE=centroid only); 1 turns it off. Calibrated on LFW: bench/results/quality.md.',
    ),
  FRS_UMAP_ENABLED: bool
    .default(false)
    .describe(
      'Reduce embeddings with UMAP before DBSCAN (on LFW it lowered precision at every eps: bench/results/lfw.md; eps then applies to the reduced space).',
    ),
  FRS_UMAP_DIMENSIONS: int(2, 128).default(16).describe('UMAP output dimensions when FRS_UMAP_ENABLED is true.'),
  FRS_GROUPING_BATCH_FACES: int(1, 1_000_000)
    .default(5000)
    .describe(
      'Most faces new to grouping that one recognise run regroups incrementally (without UMAP); the rest wait for the next run, so a bulk import never keeps a timer run past its limit.',
    ),

  // --- pipeline ---
  FRS_PIPELINE_SCHEDULE: z
    .string()
    .min(1)
    .default('0 0 */2 * * *')
    .superRefine((text, ctx) => {
      const problem = ncrontabProblem(text);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not an NCRONTAB schedule: ${problem}` });
    })
    .describe(
      'NCRONTAB schedule of the timer-triggered pipeline function (grouping of new faces, queued reclusters): 6 fields with seconds, {second} {minute} {hour} {day} {month} {day-of-week}. Every 2 hours by default so that a serverless database pauses in between; uploads are detected at once through Event Grid either way.',
    ),
  FRS_BATCH_SIZE: int(1, 10_000).default(50).describe('Media items a detection worker claims at a time.'),
  FRS_LEASE_SECONDS: int(10, 86_400)
    .default(600)
    .describe('How long a claimed media item stays reserved for its worker.'),
  FRS_RECONCILE_LIMIT: int(0, 100_000)
    .default(200)
    .describe(
      'Blobs in the media container that no item knows (missed or poisoned upload events) registered per pipeline timer run; 0 turns the pass off.',
    ),
  FRS_MAX_ATTEMPTS: int(1, 100)
    .default(3)
    .describe(
      'Started detections per media item (a claim alone does not count) before it is marked failed for good; a failed attempt is retried after FRS_LEASE_SECONDS. `frs retry-failed` puts failed items back.',
    ),
  FRS_DRY_RUN: bool.default(false).describe('Log what each stage would do and change nothing.'),

  // --- HTTP ---
  FRS_HTTP_AUTH: z
    .enum(['key', 'platform'])
    .default('key')
    .describe(
      "Who guards the HTTP API and the people app in Azure: 'key' (function keys) or 'platform' (App Service authentication, e.g. Microsoft Entra ID, in front; requests without its signed-in principal get 401).",
    ),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingName = keyof Settings;

export const settingNames = Object.keys(settingsSchema.shape) as SettingName[];

/** Validates settings from the environment (or any record); errors name each bad setting. */
export function loadSettings(
  source: Record<string, string | undefined> = process.env,
  overrides: Partial<Settings> = {},
): Settings {
  const picked: Record<string, unknown> = {};
  for (const name of settingNames) {
    const value = source[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  const parsed = settingsSchema.safeParse({ ...picked, ...overrides });
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) =>
        `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(picked[String(i.path[0])] ?? overrides[i.path[0] as SettingName])})`,
    );
    throw new FrsError('CONFIG_INVALID', `Invalid FRS settings:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}
