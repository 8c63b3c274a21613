import { z } from 'zod';
import { crops, harvestLots, inputApplications, plantings, residueTests, workRecords } from '../../../db/schema/index';
import { addDays, expiryOf, today } from '../../lib/dates';
import { fieldError, fieldErrors, validationError } from '../../lib/errors';
import { eqFilter as eq, filterBool as bool, rangeFilter as range } from '../../lib/list-query';
import type { ResourceDef, Row } from '../../lib/resource';
import { plainString, readOnlyBase } from '../../lib/zod-fields';
import { personInScope } from './production.repository';
import {
  applicationSchemas, cropCategories, cropSchemas, inputKinds, lotGrades, lotSchemas, lotSources, plantingSchemas, plantingStatuses,
  residueMethods, residueResults, residueSchemas, residueStatuses, temperatureZones, workRecordSchemas,
} from './production.schemas';

// Production's resources, declared once; lib/crud.* serve their reads (and the plain writes
// of crops and work records). The writes that carry rules are in production.service.ts.

export const productionConstraintFields = {
  crops_storage_zone_chill: 'storage_zone',
  plantings_harvest_window: 'expected_harvest_to',
  plantings_harvest_after_planting: 'expected_harvest_from',
  plantings_harvest_end_after_planting: 'expected_harvest_to',
  plantings_finished_on: 'finished_on',
  plantings_plot_fk: 'plot_id',
  plantings_crop_fk: 'crop_id',
  input_applications_planting_fk: 'planting_id',
  input_applications_pre_harvest_interval_days: 'pre_harvest_interval_days',
  harvest_lots_planting_fk: 'planting_id',
  harvest_lots_household_fk: 'household_id',
  harvest_lots_received_kg: 'quantity_kg',
  residue_tests_lot_fk: 'lot_id',
  work_records_person_fk: 'person_id',
  work_records_days_range: 'days',
  work_records_wage_nonneg: 'wage',
};


/** Food-safety records are kept as written: the 405 says how to correct one. */
const keptAsWritten = (what: string) => `${what} are kept as written and never edited or deleted`;

export const cropResource: ResourceDef = {
  name: 'crops',
  tag: 'production',
  table: crops,
  columns: crops,
  list: {
    sortable: { code: crops.code, name_zh: crops.name_zh, name_en: crops.name_en, category: crops.category, shelf_life_days: crops.shelf_life_days },
    filters: {
      code: eq(crops.code, plainString().max(32)),
      category: eq(crops.category, z.enum(cropCategories)),
      storage_zone: eq(crops.storage_zone, z.enum(temperatureZones)),
      chill_sensitive: eq(crops.chill_sensitive, bool),
    },
    search: [crops.name_zh, crops.name_en, crops.code],
  },
  scopeColumns: {},
  ...cropSchemas,
  readOnly: readOnlyBase,
};

export const plantingResource: ResourceDef = {
  name: 'plantings',
  tag: 'production',
  table: plantings,
  columns: plantings,
  list: {
    sortable: {
      planted_on: plantings.planted_on, status: plantings.status, harvestable_from: plantings.harvestable_from, crop_id: plantings.crop_id,
      plot_id: plantings.plot_id, village_id: plantings.village_id, expected_harvest_from: plantings.expected_harvest_from,
      area_mu: plantings.area_mu,
    },
    filters: {
      village_id: eq(plantings.village_id),
      plot_id: eq(plantings.plot_id),
      household_id: eq(plantings.household_id),
      crop_id: eq(plantings.crop_id),
      status: eq(plantings.status, z.enum(plantingStatuses)),
      planted_on: range(plantings.planted_on),
      harvestable_from: range(plantings.harvestable_from),
      expected_harvest_from: range(plantings.expected_harvest_from),
    },
    search: [],
  },
  scopeColumns: { village: plantings.village_id, household: plantings.household_id },
  ...plantingSchemas,
  readOnly: [...readOnlyBase, 'village_id', 'household_id', 'plot_id', 'crop_id'],
  derived: ['harvestable_from', 'harvested_kg', 'harvestable_now'],
  operations: ['list', 'get', 'delete'],
  present: (row: Row) => ({ ...row, harvestable_now: row.harvestable_from == null || String(row.harvestable_from) <= today() }),
};

export const applicationResource: ResourceDef = {
  name: 'input-applications',
  tag: 'production',
  table: inputApplications,
  columns: { id: inputApplications.id, union_id: inputApplications.union_id },
  list: {
    sortable: { applied_on: inputApplications.applied_on, kind: inputApplications.kind, product: inputApplications.product, planting_id: inputApplications.planting_id },
    filters: {
      planting_id: eq(inputApplications.planting_id),
      village_id: eq(inputApplications.village_id),
      household_id: eq(inputApplications.household_id),
      kind: eq(inputApplications.kind, z.enum(inputKinds)),
      applied_on: range(inputApplications.applied_on),
      corrects_id: eq(inputApplications.corrects_id),
    },
    search: [inputApplications.product, inputApplications.active_ingredient],
  },
  scopeColumns: { village: inputApplications.village_id, household: inputApplications.household_id },
  create: applicationSchemas.create,
  update: z.object({}),
  record: applicationSchemas.record,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
  appendOnly: keptAsWritten('Input applications') + ': record a correction (POST with corrects_id and correction_reason)',
  present: (row: Row) => ({
    ...row,
    safe_from: row.kind === 'pesticide' && row.pre_harvest_interval_days != null ? addDays(String(row.applied_on), Number(row.pre_harvest_interval_days)) : null,
    in_force: row.corrected_by_id == null,
  }),
};

export const lotResource: ResourceDef = {
  name: 'harvest-lots',
  tag: 'production',
  table: harvestLots,
  columns: { id: harvestLots.id, union_id: harvestLots.union_id },
  list: {
    sortable: {
      harvested_on: harvestLots.harvested_on, code: harvestLots.code, quantity_kg: harvestLots.quantity_kg, crop_id: harvestLots.crop_id,
      expires_on: harvestLots.expires_on, household_id: harvestLots.household_id, village_id: harvestLots.village_id, created_at: harvestLots.created_at,
    },
    filters: {
      village_id: eq(harvestLots.village_id),
      household_id: eq(harvestLots.household_id),
      planting_id: eq(harvestLots.planting_id),
      crop_id: eq(harvestLots.crop_id),
      grade: eq(harvestLots.grade, z.enum(lotGrades)),
      source: eq(harvestLots.source, z.enum(lotSources)),
      residue_status: eq(harvestLots.residue_status, z.enum(residueStatuses)),
      is_member: eq(harvestLots.is_member, bool),
      processing_run_id: eq(harvestLots.processing_run_id),
      code: eq(harvestLots.code, plainString().max(40)),
      harvested_on: range(harvestLots.harvested_on),
      expires_on: range(harvestLots.expires_on),
    },
    search: [{ column: harvestLots.code, ascii: true }],
    defaultSort: ['id', 'DESC'],
  },
  scopeColumns: { village: harvestLots.village_id, household: harvestLots.household_id },
  create: lotSchemas.create,
  update: z.object({}),
  record: lotSchemas.record,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
  appendOnly: keptAsWritten('Harvest lots') + ': correct the stock with a count adjustment or a loss (stock-movements)',
  present: (row: Row) => ({ ...row, ...expiryOf(String(row.expires_on)) }),
};

export const residueTestResource: ResourceDef = {
  name: 'residue-tests',
  tag: 'production',
  table: residueTests,
  columns: { id: residueTests.id, union_id: residueTests.union_id },
  list: {
    sortable: { tested_on: residueTests.tested_on, lot_id: residueTests.lot_id, result: residueTests.result },
    filters: {
      lot_id: eq(residueTests.lot_id),
      village_id: eq(residueTests.village_id),
      result: eq(residueTests.result, z.enum(residueResults)),
      method: eq(residueTests.method, z.enum(residueMethods)),
      tested_on: range(residueTests.tested_on),
    },
    search: [],
  },
  scopeColumns: { village: residueTests.village_id },
  create: residueSchemas.create,
  update: z.object({}),
  record: residueSchemas.record,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
  appendOnly: keptAsWritten('Residue tests') + ': record a new test (the latest one counts)',
};

export const workRecordResource: ResourceDef = {
  name: 'work-records',
  tag: 'production',
  table: workRecords,
  columns: workRecords,
  list: {
    sortable: { worked_on: workRecords.worked_on, person_id: workRecords.person_id, days: workRecords.days, wage: workRecords.wage, village_id: workRecords.village_id },
    filters: {
      village_id: eq(workRecords.village_id),
      person_id: eq(workRecords.person_id),
      household_id: eq(workRecords.household_id),
      worked_on: range(workRecords.worked_on),
    },
    search: [workRecords.task],
    defaultSort: ['worked_on', 'DESC'],
  },
  scopeColumns: { village: workRecords.village_id, household: workRecords.household_id },
  ...workRecordSchemas,
  readOnly: [...readOnlyBase, 'village_id', 'household_id'],
  /** The village and household follow from the person, who must be within the writer's reach. */
  prepare: async (db, ctx, input, before) => {
    const out: Row = { ...input };
    if (typeof input.worked_on === 'string' && input.worked_on > today()) {
      throw validationError(fieldErrors({ worked_on: fieldError('in_future', 'must not be after today') }));
    }
    const personId = (input.person_id ?? before?.person_id) as number;
    if (input.person_id !== undefined || !before) {
      const person = await personInScope(db, ctx.user, personId);
      if (!person) throw validationError(fieldErrors({ person_id: fieldError('not_found_reference', 'does not exist or is outside your reach') }));
      out.village_id = person.village_id;
      out.household_id = person.household_id;
    }
    return out;
  },
};

export const productionResources = [cropResource, plantingResource, applicationResource, lotResource, residueTestResource, workRecordResource];
