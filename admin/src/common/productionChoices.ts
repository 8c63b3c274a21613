import type { Choice } from './choices';

// The production and storage enums (db/schema/production.ts, storage.ts). Choice names are
// i18n keys (choices.<set>.<id>), translated by react-admin's inputs and SelectField.
const choices = (set: string, ids: readonly string[]): Choice[] =>
  ids.map((id) => ({ id, name: `choices.${set}.${id}` }));

export const CROP_CATEGORIES = ['leafy', 'brassica', 'fruiting', 'cucurbit', 'root', 'allium', 'legume', 'aquatic', 'other'] as const;
export const TEMPERATURE_ZONES = ['chilled', 'cool', 'ambient'] as const;
export const PLANTING_STATUSES = ['planned', 'growing', 'harvesting', 'finished'] as const;
export const INPUT_KINDS = ['pesticide', 'fertiliser', 'other'] as const;
export const LOT_GRADES = ['premium', 'first', 'second', 'processing'] as const;
export const LOT_SOURCES = ['harvest', 'processing'] as const;
export const RESIDUE_METHODS = ['rapid', 'lab'] as const;
export const RESIDUE_RESULTS = ['pass', 'fail'] as const;
export const RESIDUE_STATUSES = ['untested', 'pass', 'fail'] as const;
export const WAREHOUSE_KINDS = ['cold_room', 'ambient_store', 'processing_hall'] as const;
export const READING_SOURCES = ['manual', 'sensor'] as const;
export const MOVEMENT_KINDS = ['receive', 'transfer', 'issue', 'output', 'loss', 'adjust', 'reversal'] as const;
/** The movements a person may post (issue and output only come from processing runs). */
export const POSTABLE_MOVEMENT_KINDS = ['receive', 'transfer', 'loss', 'adjust', 'reversal'] as const;
export const PROCESSING_KINDS = ['grading', 'washing', 'packing', 'other'] as const;
export const EXPIRY_STATUSES = ['expired', 'critical', 'soon', 'fresh'] as const;

/** Plantings one may still harvest from (or soon will). */
export const ACTIVE_PLANTING_STATUSES = ['planned', 'growing', 'harvesting'] as const;

export const cropCategoryChoices = choices('crop_category', CROP_CATEGORIES);
export const temperatureZoneChoices = choices('temperature_zone', TEMPERATURE_ZONES);
export const plantingStatusChoices = choices('planting_status', PLANTING_STATUSES);
export const inputKindChoices = choices('input_kind', INPUT_KINDS);
export const lotGradeChoices = choices('lot_grade', LOT_GRADES);
export const lotSourceChoices = choices('lot_source', LOT_SOURCES);
export const residueMethodChoices = choices('residue_method', RESIDUE_METHODS);
export const residueResultChoices = choices('residue_result', RESIDUE_RESULTS);
export const residueStatusChoices = choices('residue_status', RESIDUE_STATUSES);
export const warehouseKindChoices = choices('warehouse_kind', WAREHOUSE_KINDS);
export const readingSourceChoices = choices('reading_source', READING_SOURCES);
export const movementKindChoices = choices('movement_kind', MOVEMENT_KINDS);
export const postableMovementKindChoices = choices('movement_kind', POSTABLE_MOVEMENT_KINDS);
export const processingKindChoices = choices('processing_kind', PROCESSING_KINDS);
export const expiryStatusChoices = choices('expiry_status', EXPIRY_STATUSES);
