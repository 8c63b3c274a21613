import type { zhProductionResources } from './zhProductionResources';

// Production and storage resource names and field labels in English: the same shape as zhProductionResources.ts.

const common = { id: 'ID', union_id: 'Union', version: 'Version', created_at: 'Created at', updated_at: 'Updated at' };
const lotFields = {
  code: 'Lot code', source: 'Source', planting_id: 'Planting', plot_id: 'Plot', household_id: 'Household', crop_id: 'Crop',
  harvested_on: 'Harvested on', harvested_on_gte: 'Harvested from', harvested_on_lte: 'Harvested to', grade: 'Grade',
  quantity_kg: 'Weight (kg)', intake_price: 'Intake price (¥/kg)', intake_amount: 'Intake amount (¥)', is_member: 'Member delivery',
  processing_run_id: 'Processing run', expires_on: 'Expires on', days_left: 'Days left', expiry_status: 'Expiry',
  received_kg: 'Received (kg)', residue_status: 'Residue test', latest_test_id: 'Latest test', notes: 'Notes',
  recorded_by: 'Recorded by', warehouse_id: 'Receive into', village_id: 'Village', q: 'Search lot code',
};

export const enProductionResources: typeof zhProductionResources = {
  crops: {
    name: 'Crop |||| Crops',
    fields: {
      ...common, q: 'Search', code: 'Code', name_zh: 'Chinese name', name_en: 'English name', variety: 'Variety', category: 'Category',
      shelf_life_days: 'Shelf life (days)', storage_zone: 'Storage zone', chill_sensitive: 'Chill-sensitive (not 0–2 °C)',
    },
  },
  plantings: {
    name: 'Planting |||| Plantings',
    fields: {
      ...common, village_id: 'Village', plot_id: 'Plot', household_id: 'Household', crop_id: 'Crop', area_mu: 'Area (mu)',
      planted_on: 'Planted on', planted_on_gte: 'Planted from', planted_on_lte: 'Planted to', expected_harvest_from: 'Expected harvest from',
      expected_harvest_to: 'Expected harvest to', expected_yield_kg: 'Expected yield (kg)', status: 'Status', finished_on: 'Finished on',
      harvestable_from: 'Harvestable', harvestable_from_gte: 'Harvestable from', harvestable_from_lte: 'Harvestable to',
      harvestable_now: 'Harvestable today', harvested_kg: 'Harvested', notes: 'Notes',
    },
  },
  'input-applications': {
    name: 'Input application |||| Input applications',
    fields: {
      ...common, village_id: 'Village', planting_id: 'Planting', household_id: 'Household', kind: 'Kind', product: 'Product',
      active_ingredient: 'Active ingredient', target: 'Target', dose: 'Dose', dose_unit: 'Unit', applied_on: 'Applied on',
      applied_on_gte: 'Applied from', applied_on_lte: 'Applied to', applied_by: 'Applied by', pre_harvest_interval_days: 'Pre-harvest interval (days)',
      safe_from: 'Harvest allowed from', in_force: 'In force', corrects_id: 'Corrects', correction_reason: 'Reason for the correction',
      corrected_by_id: 'Corrected by', recorded_by: 'Recorded by',
    },
  },
  'harvest-lots': { name: 'Harvest lot |||| Harvest lots', fields: { ...common, ...lotFields } },
  'residue-tests': {
    name: 'Residue test |||| Residue tests',
    fields: {
      ...common, village_id: 'Village', lot_id: 'Lot', method: 'Method', result: 'Result', value: 'Value', tested_by: 'Tested by',
      tested_on: 'Tested on', tested_on_gte: 'Tested from', tested_on_lte: 'Tested to', notes: 'Notes', recorded_by: 'Recorded by',
    },
  },
  'work-records': {
    name: 'Work record |||| Work records',
    fields: {
      ...common, village_id: 'Village', person_id: 'Person', household_id: 'Household', worked_on: 'Date', worked_on_gte: 'From',
      worked_on_lte: 'To', task: 'Task', days: 'Days', wage: 'Wage (¥)', notes: 'Notes',
    },
  },
  warehouses: {
    name: 'Warehouse |||| Warehouses',
    fields: {
      ...common, q: 'Search', village_id: 'Village', cooperative_id: 'Cooperative', code: 'Code', name: 'Name', kind: 'Kind',
      temperature_zone: 'Temperature zone', capacity_kg: 'Capacity', stock_kg: 'In stock', free_kg: 'Free (kg)', last_temperature_c: 'Last temperature',
      last_reading_at: 'Last reading at', last_reading_out_of_range: 'Last reading out of range', zone_min_c: 'Zone min', zone_max_c: 'Zone max', notes: 'Notes',
    },
  },
  'temperature-readings': {
    name: 'Temperature reading |||| Temperature readings',
    fields: {
      ...common, village_id: 'Village', warehouse_id: 'Room', read_at: 'Read at', temperature_c: 'Temperature (°C)', source: 'Source',
      out_of_range: 'Out of range', recorded_by: 'Recorded by', read_at_gte: 'From', read_at_lte: 'To',
    },
  },
  'stock-movements': {
    name: 'Stock movement |||| Stock movements',
    fields: {
      ...common, village_id: 'Village', kind: 'Kind', lot_id: 'Lot', from_warehouse_id: 'From room', to_warehouse_id: 'To room',
      warehouse_id: 'Counted room', quantity_kg: 'Weight (kg)', counted_kg: 'Counted (kg)', processing_run_id: 'Processing run',
      reverses_id: 'Reverses', reason: 'Reason', moved_at: 'At', moved_at_gte: 'From', moved_at_lte: 'To', recorded_by: 'Recorded by',
    },
  },
  stock: {
    name: 'Stock',
    fields: {
      ...common, village_id: 'Village', warehouse_id: 'Room', lot_id: 'Lot', lot_code: 'Lot code', crop_id: 'Crop', grade: 'Grade',
      expires_on: 'Expires on', quantity_kg: 'Weight', days_left: 'Days left', expiry_status: 'Expiry', expiring_within_days: 'Expiring within (days)',
    },
  },
  'processing-runs': {
    name: 'Processing run |||| Processing runs',
    fields: {
      ...common, village_id: 'Village', warehouse_id: 'Processing hall', kind: 'Kind', crop_id: 'Crop', run_on: 'Run on',
      input_kg: 'Input (kg)', output_kg: 'Output (kg)', loss_kg: 'Loss (kg)', notes: 'Notes', recorded_by: 'Recorded by',
      inputs: 'Input lots', outputs: 'Outputs', lot_id: 'Lot', quantity_kg: 'Weight (kg)',
    },
  },
};
