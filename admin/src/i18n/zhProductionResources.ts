// Production and storage resource names and field labels (issue 7); enProductionResources.ts has the same shape.

const common = { id: 'ID', union_id: '联合社', version: '版本', created_at: '创建时间', updated_at: '更新时间' };
const lotFields = {
  code: '批次号',
  source: '来源',
  planting_id: '种植',
  plot_id: '地块',
  household_id: '农户',
  crop_id: '作物',
  harvested_on: '采收日期',
  harvested_on_gte: '采收日期起',
  harvested_on_lte: '采收日期止',
  grade: '等级',
  quantity_kg: '重量（kg）',
  intake_price: '收购价（元/kg）',
  intake_amount: '收购金额（元）',
  is_member: '社员交售',
  processing_run_id: '加工批次',
  expires_on: '到期日',
  days_left: '剩余天数',
  expiry_status: '保质状态',
  received_kg: '已入库（kg）',
  residue_status: '农残检测',
  latest_test_id: '最近检测',
  notes: '备注',
  recorded_by: '记录人',
  warehouse_id: '入库冷库',
  village_id: '所属村',
  q: '搜索批次号',
};

export const zhProductionResources = {
  crops: {
    name: '作物',
    fields: {
      ...common, q: '搜索', code: '编号', name_zh: '中文名', name_en: '英文名', variety: '品种', category: '类别',
      shelf_life_days: '保质期（天）', storage_zone: '储存温区', chill_sensitive: '怕冷（不能 0–2 °C）',
    },
  },
  plantings: {
    name: '种植',
    fields: {
      ...common, village_id: '所属村', plot_id: '地块', household_id: '农户', crop_id: '作物', area_mu: '面积（亩）',
      planted_on: '种植日期', planted_on_gte: '种植日期起', planted_on_lte: '种植日期止', expected_harvest_from: '预计采收起',
      expected_harvest_to: '预计采收止', expected_yield_kg: '预计产量（kg）', status: '状态', finished_on: '结束日期',
      harvestable_from: '可采收', harvestable_from_gte: '可采收日期起', harvestable_from_lte: '可采收日期止',
      harvestable_now: '今天可采收', harvested_kg: '已采收', notes: '备注',
    },
  },
  'input-applications': {
    name: '投入品记录',
    fields: {
      ...common, village_id: '所属村', planting_id: '种植', household_id: '农户', kind: '类型', product: '产品名称',
      active_ingredient: '有效成分', target: '防治对象', dose: '用量', dose_unit: '单位', applied_on: '施用日期',
      applied_on_gte: '施用日期起', applied_on_lte: '施用日期止', applied_by: '施用人', pre_harvest_interval_days: '安全间隔期（天）',
      safe_from: '可采收日期', in_force: '有效', corrects_id: '更正的记录', correction_reason: '更正原因', corrected_by_id: '被更正为', recorded_by: '记录人',
    },
  },
  'harvest-lots': { name: '采收批次', fields: { ...common, ...lotFields } },
  'residue-tests': {
    name: '农残检测',
    fields: {
      ...common, village_id: '所属村', lot_id: '批次', method: '方法', result: '结果', value: '测定值', tested_by: '检测人',
      tested_on: '检测日期', tested_on_gte: '检测日期起', tested_on_lte: '检测日期止', notes: '备注', recorded_by: '记录人',
    },
  },
  'work-records': {
    name: '用工记录',
    fields: {
      ...common, village_id: '所属村', person_id: '人员', household_id: '农户', worked_on: '日期', worked_on_gte: '日期起',
      worked_on_lte: '日期止', task: '工作内容', days: '天数', wage: '工资（元）', notes: '备注',
    },
  },
  warehouses: {
    name: '仓库',
    fields: {
      ...common, q: '搜索', village_id: '所属村', cooperative_id: '合作社', code: '编号', name: '名称', kind: '类型',
      temperature_zone: '温区', capacity_kg: '容量', stock_kg: '库存', free_kg: '剩余容量（kg）', last_temperature_c: '最近温度',
      last_reading_at: '最近测温时间', last_reading_out_of_range: '最近温度超限', zone_min_c: '温区下限', zone_max_c: '温区上限', notes: '备注',
    },
  },
  'temperature-readings': {
    name: '温度记录',
    fields: {
      ...common, village_id: '所属村', warehouse_id: '仓库', read_at: '测温时间', temperature_c: '温度（°C）', source: '来源',
      out_of_range: '超出温区', recorded_by: '记录人', read_at_gte: '时间起', read_at_lte: '时间止',
    },
  },
  'stock-movements': {
    name: '出入库记录',
    fields: {
      ...common, village_id: '所属村', kind: '类型', lot_id: '批次', from_warehouse_id: '调出仓库', to_warehouse_id: '调入仓库',
      warehouse_id: '盘点仓库', quantity_kg: '重量（kg）', counted_kg: '盘点重量（kg）', processing_run_id: '加工批次',
      reverses_id: '冲销的记录', reason: '原因', moved_at: '时间', moved_at_gte: '时间起', moved_at_lte: '时间止', recorded_by: '记录人',
    },
  },
  stock: {
    name: '库存',
    fields: {
      ...common, village_id: '所属村', warehouse_id: '仓库', lot_id: '批次', lot_code: '批次号', crop_id: '作物', grade: '等级',
      expires_on: '到期日', quantity_kg: '重量', days_left: '剩余天数', expiry_status: '保质状态', expiring_within_days: '几天内到期',
    },
  },
  'processing-runs': {
    name: '加工',
    fields: {
      ...common, village_id: '所属村', warehouse_id: '加工车间', kind: '类型', crop_id: '作物', run_on: '加工日期',
      input_kg: '投入（kg）', output_kg: '产出（kg）', loss_kg: '损耗（kg）', notes: '备注', recorded_by: '记录人',
      inputs: '投入批次', outputs: '产出', lot_id: '批次', quantity_kg: '重量（kg）',
    },
  },
};
