/**
 * The grouping index (migration 11): the connected components of the faces at the interaction
 * radius (src/clustering/interaction-radius.ts), so that a run regroups only the components its
 * new or changed faces touch (src/pipeline/incremental-grouping.ts).
 *
 * - FrsGroupingIndex: per embedding model, the radius the components were computed at and the
 *   grouping settings the persons were decided with.
 * - FrsGroupingComponents: one row per component: centroid (float32 bytes), the widest angle from
 *   it to a member (radians), size. A face within the radius of a member lies within
 *   angle(radius) + that angle of the centroid, so the cones find every candidate exactly.
 * - FrsGroupingMembers: face -> component. Rows outlive deleted faces on purpose: the component
 *   a deleted face was in is found through it and regrouped.
 * - FrsGroupingDirty: faces a people action (or a deletion) changed since their component was
 *   grouped; the next run regroups their components.
 */
import type { ActionLabels } from './action-labels.js';
import type { GroupingFace } from './faces.js';

export interface GroupingIndexInfo {
  /** Cosine distance the stored components were computed at. */
  radius: number;
  /**
   * The grouping settings the stored persons were decided with (a key the pipeline makes): with
   * other settings, untouched components would keep persons the new settings would not give.
   */
  settings: string;
}

export interface StoredCone {
  componentId: number;
  centroid: Float32Array;
  /** Widest angle from the centroid to a member, radians. */
  angle: number;
  size: number;
}

/** A face and the stored component it is in (null: not indexed yet). */
export interface FaceComponent {
  faceId: number;
  componentId: number | null;
}

export interface GroupingWork {
  /** Faces with an embedding of the model that no run has grouped with it yet (GroupedAt NULL), oldest first. */
  newFaces: FaceComponent[];
  /** Faces marked by people actions or deletions (they may be gone or rejected by now). */
  dirty: FaceComponent[];
}

export interface IndexedGroupingFace extends GroupingFace {
  componentId: number | null;
}

/** Which faces to read: any of these ids, faces of these persons, members of these components. */
export interface GroupingFaceSelection {
  faceIds?: number[];
  personIds?: number[];
  componentIds?: number[];
}

export interface NewComponent {
  centroid: Float32Array;
  angle: number;
  faceIds: number[];
}

export interface ComponentUpdate {
  model: string;
  radius: number;
  /** GroupingIndexInfo.settings. */
  settings: string;
  /** Drop every stored component of the model first (a full rebuild). */
  replaceAll?: boolean;
  /** Components replaced by `added` (their members go with them). */
  removed: number[];
  added: NewComponent[];
  /** Dirty marks this run has dealt with. */
  settled: number[];
}

export interface GroupingIndexOps {
  /** The index of `model`, or null when none was built (or it was dropped). */
  groupingIndexInfo(model: string): Promise<GroupingIndexInfo | null>;
  /** Every stored component cone of `model`. */
  groupingCones(model: string): Promise<StoredCone[]>;
  /** Up to `limit` new faces (verified ones too) and every dirty mark, each with its stored component. */
  groupingWork(model: string, limit: number): Promise<GroupingWork>;
  /**
   * One page of what facesForGrouping reads (faces with Id > afterId, in id order, at most
   * `limit`), with their stored components: a full regroup streams the library instead of holding
   * every row at once, and reuses the stored components where it can.
   */
  facesForGroupingPage(model: string, afterId: number, limit: number): Promise<IndexedGroupingFace[]>;
  /** Faces with an embedding of `model`, not rejected, that match the selection; in id order. */
  facesForGroupingIn(model: string, selection: GroupingFaceSelection): Promise<IndexedGroupingFace[]>;
  /**
   * Every user-verified face with an embedding of `model` and a person, with its component; in id
   * order. Centroid matching compares with each verified person's mean, so an incremental run
   * reads them all (their number, not the library's, sets the cost).
   */
  verifiedFacesForGrouping(model: string): Promise<IndexedGroupingFace[]>;
  /** Replaces components and memberships, clears dirty marks; returns the ids of `added`, in order. */
  saveGroupingComponents(update: ComponentUpdate): Promise<number[]>;
  /** Marks faces (listed, or all faces of the listed persons) for the next run to regroup. */
  markGroupingDirty(selection: { faceIds?: number[]; personIds?: number[] }): Promise<void>;
  /**
   * Like groupingFingerprint, over the listed faces, the faces of the listed persons and the
   * dirty marks only: what an incremental regroup read. holdForWrite as there.
   */
  groupingFingerprintOf(
    model: string,
    selection: { faceIds: number[]; personIds: number[] },
    options?: { holdForWrite?: boolean },
  ): Promise<string>;
}

export const groupingIndexActions: ActionLabels<GroupingIndexOps> = {
  groupingIndexInfo: 'reading the grouping index',
  groupingCones: 'reading grouping components',
  groupingWork: 'listing faces to regroup',
  facesForGroupingPage: 'reading a page of faces to group',
  facesForGroupingIn: 'reading faces of grouping components',
  verifiedFacesForGrouping: 'reading verified faces for grouping',
  saveGroupingComponents: 'saving grouping components',
  markGroupingDirty: 'marking faces for regrouping',
  groupingFingerprintOf: 'reading the grouping fingerprint of components',
};
