// Sales, traceability and recall messages (issue 8), merged into zh.ts; enSales.ts has the same shape.

const common = { id: 'ID', union_id: '联合社', version: '版本', created_at: '创建时间', updated_at: '更新时间' };

export const zhSalesApp = {
  sales: {
    order: '下单',
    forecast: '未来14天预计可供（kg）',
    forecast_short: '14天预测',
    available: '现货',
    no_listings: '暂无可供货品',
    per_kg: '%{amount} 元/kg',
    min_order: '起订 %{kg} kg',
    line_listing: '货品（作物 · 等级）',
    line_price: '单价 %{price} 元/kg，起订 %{min} kg',
    line_amount: '小计约 %{amount} 元',
    listing_label: '%{crop} · %{grade}',
    confirm: '确认',
    allocate: '分配库存',
    cancel: '取消订单',
    cancel_title: '取消订单',
    cancel_content: '确定取消这个订单吗？已分配的库存将被释放。',
    confirmed: '订单已确认',
    cancelled: '订单已取消',
    allocated: '库存已分配',
    allocate_result: '分配结果',
    line: '订单行',
    quantity: '订购',
    allocated_kg: '已分配',
    short_kg: '缺货',
    lots: '分配批次',
    all_allocated: '全部分配完毕',
    some_short: '部分缺货，订单保持“已确认”',
    close: '关闭',
    lines: '订单明细',
    allocations: '库存分配',
    payments: '收款',
    add_payment: '登记收款',
    balance: '未收',
  },
  delivery: {
    dispatch: '发货', dispatched: '已发货', deliveries: '发货记录', lines: '发货明细', certificates: '合格证',
    receive: '收货', received: '已收货', received_kg_of: '第%{line}行实收（kg）',
  },
  certificate: {
    print: '打印', supersede: '更正（作废重开）', reason: '更正原因', reason_needed: '请填写更正原因', superseded: '已作废',
    superseded_done: '已作废并重开', lot_code: '批次', method: '检测方法', result: '结果', tested_on: '检测日期', crop: '品名',
    grade: '等级', quantity_kg: '数量（kg）', lots: '批次', qr: '追溯二维码', state: '状态', links: '关联', delivery: '发货 #%{id}',
    supersedes: '原合格证', superseded_by: '更正后的合格证',
  },
  trace: {
    title: '追溯',
    search: '输入批次号',
    go: '追溯',
    button: '追溯',
    lot: '批次',
    backward: '来源（上游）',
    forward: '去向（下游）',
    none: '无',
    history: '履历',
    harvests: '采收',
    inputs: '投入品',
    residue_tests: '农残检测',
    movements: '出入库',
    processing: '加工',
    epcis: '下载 EPCIS JSON',
    public_page: '公开追溯页',
    not_found: '找不到这个批次',
    interval: '安全间隔期 %{days} 天',
    allowed_from: '可采收日',
    days_before: '距采收天数',
    corrected: '已更正',
    plot: '地块',
    household: '农户',
    product: '产品',
    dose: '用量',
    applied_on: '施用日期',
    kg_link: '%{kg} kg',
    inputs_outputs: '投入 → 产出',
    place: '地点',
    time: '时间',
    run: '加工批次',
  },
  recall: {
    title: '召回',
    from: '起点',
    id: '编号',
    lot: '批次',
    plot: '地块',
    application: '投入品记录编号',
    run: '查询',
    csv: '下载 CSV（FSMA 204）',
    total_kg: '涉及总重量',
    stock_kg: '仍在库',
    lots: '受影响批次',
    depth: '加工代数',
    where: '所在位置',
    none: '没有受影响的批次',
    no_stock: '已不在库',
  },
  menu: { trace: '追溯', recall: '召回', my_orders: '我的订单', my_deliveries: '我的发货' },
};

export const zhSalesChoices = {
  order_status: {
    submitted: '已提交', confirmed: '已确认', allocated: '已分配', dispatched: '已发货', delivered: '已送达', paid: '已付清', cancelled: '已取消',
  },
  payment_status: { unpaid: '未付款', partial: '部分付款', paid: '已付清' },
  payment_method: { bank_transfer: '银行转账', cash: '现金', other: '其他' },
  recall_from: { lot: '批次', plot: '地块', application: '投入品记录' },
};

export const zhSalesResources = {
  listings: {
    name: '上架货品 |||| 上架货品',
    fields: {
      ...common, crop_id: '作物', grade: '等级', price_per_kg: '单价（元/kg）', min_order_kg: '起订量（kg）', published: '已上架', notes: '备注',
    },
  },
  'supply-listings': {
    name: '供应 |||| 供应',
    fields: {
      id: 'ID', union_id: '联合社', crop_id: '作物', grade: '等级', price_per_kg: '单价（元/kg）', min_order_kg: '起订量（kg）',
      available_kg: '现货（kg）', origin_villages: '产地', forecast: '未来14天预计（kg）',
    },
  },
  orders: {
    name: '订单 |||| 订单',
    fields: {
      ...common, buyer_id: '采购方', status: '状态', reference: '订单参考号', wanted_on: '要货日期', notes: '备注', total_amount: '金额（元）',
      paid_amount: '已付（元）', created_by: '下单人', payment_status: '付款状态', lines: '订单明细', q: '搜索参考号', verbs: '操作',
    },
  },
  'order-lines': {
    name: '订单明细 |||| 订单明细',
    fields: {
      id: 'ID', union_id: '联合社', order_id: '订单', buyer_id: '采购方', crop_id: '作物', grade: '等级', quantity_kg: '数量（kg）',
      price_per_kg: '单价（元/kg）', amount: '金额（元）', allocated_kg: '已分配（kg）', listing: '货品', price: '单价',
    },
  },
  allocations: {
    name: '库存分配 |||| 库存分配',
    fields: {
      id: 'ID', union_id: '联合社', order_id: '订单', order_line_id: '订单行', buyer_id: '采购方', lot_id: '批次', warehouse_id: '冷库',
      village_id: '所属村', quantity_kg: '数量（kg）', released: '已释放', created_at: '分配时间',
    },
  },
  payments: {
    name: '收款 |||| 收款',
    fields: {
      id: 'ID', union_id: '联合社', order_id: '订单', buyer_id: '采购方', amount: '金额（元）', paid_on: '付款日期', method: '方式',
      reference: '流水号', recorded_by: '记录人', created_at: '记录时间', q: '搜索流水号',
    },
  },
  deliveries: {
    name: '发货 |||| 发货',
    fields: {
      id: 'ID', union_id: '联合社', order_id: '订单', buyer_id: '采购方', status: '状态', vehicle: '车辆', driver: '司机',
      dispatched_at: '发货时间', delivered_at: '送达时间', received_by: '收货人', dispatched_by: '发货人',
    },
  },
  'delivery-lines': {
    name: '发货明细 |||| 发货明细',
    fields: {
      id: 'ID', union_id: '联合社', delivery_id: '发货', buyer_id: '采购方', order_line_id: '订单行', lot_id: '批次', warehouse_id: '冷库',
      crop_id: '作物', grade: '等级', dispatched_kg: '发货（kg）', received_kg: '实收（kg）', shortfall_kg: '短少（kg）',
    },
  },
  certificates: {
    name: '合格证 |||| 合格证',
    fields: {
      id: 'ID', union_id: '联合社', delivery_id: '发货', buyer_id: '采购方', number: '合格证编号', issued_on: '开具日期', product: '食用农产品名称',
      quantity_kg: '数量（kg）', producer: '生产者', origin: '产地', contact: '联系方式', commitment: '承诺声明', test_results: '检测结果',
      lines: '明细', supersedes_id: '更正自', superseded_by_id: '已作废', reason: '更正原因', issued_by: '开具人', created_at: '创建时间',
    },
  },
};
