/**
 * What the people commands (`frs persons`, `frs person ...`, `frs face ...`, `frs photo`) share:
 * id parsing (a bad id is a usage error, exit 2), the people service, refusals (exit 1 with a
 * one-line reason), and the human-readable lines. `--json` prints the HTTP API's shapes.
 */
import type { FaceDetail, PersonSummary, Photo } from '../data/repository.js';
import { FrsError } from '../errors.js';
import type { PeopleService } from '../people/people-service.js';
import { displayName } from '../people/person-fields.js';
import { EXIT, type Access, type CommandContext } from './command.js';
import { UsageError } from './usage-error.js';

export function parseId(text: string, what: string, command: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
    throw new UsageError(`${text} is not a ${what} id (a whole number from 1).`, command);
  return Number(text);
}

export function parseIds(texts: string[], what: string, command: string): number[] {
  if (texts.length === 0) throw new UsageError(`Give at least one ${what} id.`, command);
  return texts.map((t) => parseId(t, what, command));
}

/**
 * Runs one people action. The service's refusals (unknown ids, merging a person into itself,
 * an over-long name, faces of another model) exit 1 with a one-line reason; with --json the
 * error is also the JSON document.
 */
/** The answer without its undo record: a web client's tool, noise on a command line. */
export const withoutUndo = <T extends { undo?: unknown }>({ undo: _undo, ...rest }: T) => rest;

export async function runPeople<T>(
  ctx: CommandContext,
  access: Access,
  action: (people: PeopleService) => Promise<T>,
  human: (result: T) => string[],
  json: (result: T) => unknown = (r) => r,
): Promise<number> {
  const services = await ctx.services(access);
  const people = await services.people();
  let result: T;
  try {
    result = await action(people);
  } catch (err) {
    if (!(err instanceof FrsError) || err instanceof UsageError || !REFUSALS.has(err.code)) throw err;
    ctx.log.error(`frs ${ctx.command}: ${err.code}: ${err.message}`);
    if (ctx.values.json) ctx.printJson({ error: err.toJSON() });
    return EXIT.FAILED;
  }
  if (ctx.values.json) ctx.printJson(json(result));
  else for (const line of human(result)) ctx.print(line);
  return EXIT.OK;
}

const REFUSALS = new Set(['NOT_FOUND', 'INVALID_INPUT', 'LOCKED']);

export function personLine(p: PersonSummary): string {
  const details = [p.rank, p.appointment, p.type].filter(Boolean).join(', ');
  return (
    `person ${p.id}  ${displayName(p)}${details ? ` (${details})` : ''}  ${p.faceCount} face(s)` +
    `${p.verifiedFaceCount ? `, ${p.verifiedFaceCount} confirmed` : ''}` +
    `${p.portraitFaceId !== null ? `  portrait face ${p.portraitFaceId}${p.portraitChosen ? ' (chosen)' : ''}` : ''}` +
    `${p.hidden ? '  [hidden]' : ''}`
  );
}

const box = (f: { boundingBox: number[] | null }) => f.boundingBox?.map((v) => Math.round(v)).join(',') ?? '-';

export function faceLine(f: FaceDetail): string {
  return `  face ${f.id}  item ${f.mediaItemId}  ${f.filePath}  box ${box(f)}${f.isUserVerified ? '  confirmed' : ''}`;
}

export function photoLines(p: Photo): string[] {
  return [
    `photo ${p.itemId}  ${p.filePath}  ${p.faces.length} face(s)`,
    ...p.faces.map(
      (f) =>
        `  face ${f.id}  box ${box(f)}  ` +
        (f.personId === null
          ? 'no person'
          : `person ${f.personId} ${displayName({ id: f.personId, name: f.personName })}`),
    ),
  ];
}
