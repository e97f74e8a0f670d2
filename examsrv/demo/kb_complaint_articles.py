"""Demo articles on complaint handling procedures (投诉处理流程)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import partial

from examsrv.demo.kb_draft import ArticleDraft, Category, Recipe, one


@dataclass(frozen=True)
class _Complaint:
    name: str
    scope: str
    first_contact: str
    resolve: str
    revisit: str
    code: str
    department: str
    rule: str  # a rule specific to this kind of complaint, stating ``value``
    label: str
    value: str


_COMPLAINTS = (
    _Complaint(
        "一般服务投诉",
        "客户对业务办理、资费解释等服务过程不满意的投诉",
        "24小时",
        "48小时",
        "12小时",
        "TS-FW",
        "客户服务中心",
        "处理过程中须至少1次向客户通报处理进展。",
        "进展通报次数",
        "1次",
    ),
    _Complaint(
        "重复投诉",
        "同一客户就同一问题在30天内再次投诉的情形",
        "4小时",
        "24小时",
        "12小时",
        "TS-CF",
        "投诉管理室",
        "重复投诉以首次投诉工单为主单合并处理，认定周期为30天。",
        "认定周期",
        "30天",
    ),
    _Complaint(
        "越级投诉",
        "客户绕过本地渠道直接向上级公司反映问题的投诉",
        "2小时",
        "24小时",
        "8小时",
        "TS-YJ",
        "省公司客户服务部",
        "须在12小时内向上级公司报送处理方案。",
        "方案报送时限",
        "12小时",
    ),
    _Complaint(
        "管局转办申诉",
        "通信管理局转来的用户申诉",
        "2小时",
        "5个工作日",
        "2个工作日",
        "TS-GJ",
        "投诉管理室",
        "办结后1个工作日内向通信管理局书面回复处理结果。",
        "书面回复时限",
        "1个工作日",
    ),
    _Complaint(
        "媒体曝光投诉",
        "在报刊、网络平台公开曝光的投诉",
        "1小时",
        "24小时",
        "12小时",
        "TS-MT",
        "品牌传播部",
        "客户代表发现后须在30分钟内上报值班经理。",
        "上报时限",
        "30分钟",
    ),
    _Complaint(
        "计费争议投诉",
        "客户对话费金额、扣费项目有异议的投诉",
        "24小时",
        "3个工作日",
        "48小时",
        "TS-JF",
        "计费结算中心",
        "争议处理期间，对争议金额暂停催缴，不因争议金额停机。",
        "争议金额处理",
        "暂停催缴",
    ),
    _Complaint(
        "网络信号投诉",
        "客户反映信号弱、掉话或上网慢的投诉",
        "24小时",
        "5个工作日",
        "48小时",
        "TS-WL",
        "网络运维中心",
        "网络工程师须在3个工作日内到现场完成测试。",
        "现场测试时限",
        "3个工作日",
    ),
    _Complaint(
        "宽带装维投诉",
        "客户对宽带安装、维修服务不满意的投诉",
        "4小时",
        "48小时",
        "24小时",
        "TS-ZW",
        "家庭业务中心",
        "装维人员迟到超过30分钟的，计为服务违规。",
        "迟到认定标准",
        "30分钟",
    ),
    _Complaint(
        "营业厅服务投诉",
        "客户对营业厅服务态度、等候时间等不满意的投诉",
        "24小时",
        "48小时",
        "12小时",
        "TS-YY",
        "渠道管理中心",
        "营业厅监控录像保存90天，须在受理当日调取涉事时段录像。",
        "录像保存期",
        "90天",
    ),
    _Complaint(
        "热线服务投诉",
        "客户对热线客户代表服务不满意的投诉",
        "24小时",
        "48小时",
        "12小时",
        "TS-RX",
        "客户服务中心质检室",
        "须调听涉事通话录音，通话录音保存6个月。",
        "录音保存期",
        "6个月",
    ),
    _Complaint(
        "营销骚扰投诉",
        "客户反映收到营销短信或营销电话骚扰的投诉",
        "24小时",
        "3个工作日",
        "48小时",
        "TS-SR",
        "市场经营部",
        "受理后须在12小时内将客户号码加入营销免打扰名单。",
        "免打扰生效时限",
        "12小时",
    ),
    _Complaint(
        "重要客户投诉",
        "五星级及以上会员或政企关键联系人的投诉",
        "1小时",
        "24小时",
        "12小时",
        "TS-ZY",
        "政企客户部",
        "由客户经理全程跟进，处理结果须经部门负责人审核。",
        "全程跟进人",
        "客户经理",
    ),
    _Complaint(
        "携号转网投诉",
        "客户反映携号转网受阻或被设置障碍的投诉",
        "2小时",
        "24小时",
        "8小时",
        "TS-XZ",
        "市场经营部",
        "查实存在携转障碍的，须在12小时内解除。",
        "障碍解除时限",
        "12小时",
    ),
    _Complaint(
        "群体性投诉",
        "5名以上客户就同一问题集中投诉的情形",
        "1小时",
        "48小时",
        "24小时",
        "TS-QT",
        "客户服务部",
        "须在2小时内启动应急预案并上报分管领导。",
        "预案启动时限",
        "2小时",
    ),
)


def _procedure(c: _Complaint, rng: random.Random) -> ArticleDraft:
    accept = (
        f"二、受理要求：客户代表须完整记录客户诉求、联系方式和期望结果，"
        f"工单类型选择“{c.code}”，派发至{c.department}处理。"
    )
    timing = f"三、处理时限：受理后{c.first_contact}内首次联系客户，{c.resolve}内办结。{c.rule}"
    close = f"四、回访归档：办结后{c.revisit}内完成回访，" + one(
        rng,
        "客户不满意的重新派单，重新派单不超过2次。",
        "客户对处理结果不满意的，升级至上一级处理。",
        "回访结果和录音随工单一并归档。",
    )
    tips = "五、客户代表要点：" + one(
        rng,
        "受理时先安抚客户情绪，不推诿、不争辩，复述确认客户诉求。",
        "不得向客户承诺超出权限的补偿，如需补偿须经值班经理审批。",
        "客户情绪激动的，可申请值班经理介入或转接投诉专席。",
    )
    paragraphs = (f"一、适用范围：{c.scope}。", accept, timing, close, tips)
    facts = (
        ("首次联系时限", c.first_contact),
        ("办结时限", c.resolve),
        ("回访时限", c.revisit),
        ("工单类型编码", c.code),
        ("责任部门", c.department),
        (c.label, c.value),
    )
    return ArticleDraft(c.name, "处理流程", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = tuple(partial(_procedure, c) for c in _COMPLAINTS)

CATEGORY = Category("投诉处理流程", _RECIPES)
