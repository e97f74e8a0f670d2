"""Demo articles on mobile number portability (携号转网)."""

from __future__ import annotations

import random

from examsrv.demo.kb_draft import (
    APP,
    BRAND,
    HOTLINE,
    STORE,
    ArticleDraft,
    Category,
    Recipe,
    listing,
    one,
    section,
)

_SUBJECT = "携号转网"


def _eligibility(rng: random.Random) -> ArticleDraft:
    minutes = rng.choice((10, 30))
    paragraphs = (
        section(
            "查询方式",
            f"编辑短信“XZCX#机主姓名#证件号码”发送至{HOTLINE}，"
            f"系统在{minutes}分钟内短信回复本号码是否具备携出条件。",
        ),
        section(
            "回复内容",
            "不具备条件的，回复短信逐项列明原因，如存在欠费、合约未到期或在网时长不足等。",
        ),
        section(
            "客户代表要点",
            one(
                rng,
                "客户来电询问能否携出的，先引导客户自助查询，不得以任何理由阻挠携转。",
                "客户查询结果显示合约未到期的，可告知合约到期时间和提前解约规定。",
            ),
        ),
    )
    facts = (("资格查询指令", "XZCX"), ("查询回复时限", f"{minutes}分钟"))
    return ArticleDraft(f"{_SUBJECT} 资格查询", "办理指南", paragraphs, facts)


def _authorisation_code(rng: random.Random) -> ArticleDraft:
    hours = rng.choice((24, 72))
    paragraphs = (
        section(
            "申请方式",
            f"编辑短信“XZSQ#机主姓名#证件号码”发送至{HOTLINE}，系统回复6位数字授权码。",
        ),
        section(
            "有效期",
            f"授权码自发送之时起{hours}小时内有效，逾期需重新申请；同一号码每天最多申请3次。",
        ),
        section(
            "注意事项",
            "授权码是携入时验证机主身份的凭证，客户代表不得索要或代为保管客户的授权码。",
        ),
    )
    facts = (
        ("授权码申请指令", "XZSQ"),
        ("授权码有效期", f"{hours}小时"),
        ("授权码位数", "6位"),
        ("每日申请上限", "3次"),
    )
    return ArticleDraft(f"{_SUBJECT} 授权码申请", "办理指南", paragraphs, facts)


def _conditions(rng: random.Random) -> ArticleDraft:
    conditions = ("号码已实名登记", "在网满120天", "无欠费", "不在合约期内")
    paragraphs = (
        section("携出条件", f"申请携出的号码须同时满足：{listing(conditions)}。"),
        section(
            "合约处理",
            one(
                rng,
                "合约未到期的，客户可选择解除合约后再申请携出。",
                "存在未到期优惠活动的，须先办理活动解约或等待活动到期。",
            ),
        ),
        section(
            "服务时间",
            f"{BRAND}每天9:00至18:00受理携号转网，其他时间提交的申请顺延至次日处理。",
        ),
    )
    facts = (
        ("携出条件", listing(conditions)),
        ("在网时长要求", "120天"),
        ("受理时间", "9:00至18:00"),
    )
    return ArticleDraft(f"{_SUBJECT} 携出条件", "业务规则", paragraphs, facts)


def _port_in(rng: random.Random) -> ArticleDraft:
    documents = ("机主身份证件原件", "携出方授权码")
    hours = rng.choice((24, 48))
    paragraphs = (
        section(
            "办理要求",
            f"机主本人携带{listing(documents)}到{STORE}办理携入，当场领取新SIM卡。",
        ),
        section(
            "生效时间",
            f"携入申请提交后{hours}小时内完成号码切换，切换期间原卡可能短暂无法通信。",
        ),
        section("资费", f"携入办理免收卡费，客户可选择{BRAND}任一在售套餐。"),
    )
    facts = (("所需材料", listing(documents)), ("号码切换时限", f"{hours}小时"))
    return ArticleDraft(f"{_SUBJECT} 携入办理", "办理指南", paragraphs, facts)


def _after_port_out(rng: random.Random) -> ArticleDraft:
    days = rng.choice((15, 30))
    paragraphs = (
        section(
            "余额处理",
            f"携出成功后，原号码的现金余额在{days}天内退至客户指定账户，赠送余额作废。",
        ),
        section("积分与权益", "携出后积分清零，星级权益和未使用的流量、通话同时失效。"),
        section(
            "附属业务",
            one(
                rng,
                "号码作为主卡的，副卡和家庭网将一并解除。",
                "号码绑定的宽带、固话等融合业务须先拆分或变更付费号码。",
            ),
        ),
    )
    facts = (("余额退还时限", f"{days}天"), ("积分处理", "清零"))
    return ArticleDraft(f"{_SUBJECT} 携出后账户处理", "业务规则", paragraphs, facts)


def _welcome_pack(rng: random.Random) -> ArticleDraft:
    data, months = rng.choice((("30GB", 3), ("20GB", 6)))
    paragraphs = (
        section(
            "活动内容",
            f"携入{BRAND}的新客户每月赠送国内通用流量{data}，连续赠送{months}个月。",
        ),
        section("领取方式", f"携入成功后在{APP}“新客专区”领取，领取后次月起生效。"),
        section("说明", "活动期间携出或销户的，剩余赠送权益自动取消。"),
    )
    facts = (("每月赠送流量", data), ("赠送月数", f"{months}个月"))
    return ArticleDraft(f"{_SUBJECT} 携入客户礼包", "活动说明", paragraphs, facts)


def _cancel(rng: random.Random) -> ArticleDraft:
    paragraphs = (
        section(
            "取消条件",
            "携入方尚未提交携转申请、授权码仍在有效期内的，客户可取消携出。",
        ),
        section(
            "取消方式",
            f"发送QXXZ至{HOTLINE}取消，取消后授权码立即作废。",
        ),
        section(
            "客户代表要点",
            one(
                rng,
                "客户主动要求取消的，客户代表不得借机进行挽留营销以外的承诺。",
                "取消后再次申请携出的，须重新申请授权码。",
            ),
        ),
    )
    facts = (("取消携出指令", "QXXZ"), ("授权码状态", "立即作废"))
    return ArticleDraft(f"{_SUBJECT} 取消携出", "办理指南", paragraphs, facts)


def _retention_rules(rng: random.Random) -> ArticleDraft:
    paragraphs = (
        section(
            "禁止行为",
            "不得拖延或拒绝携出申请，不得以赠送话费、降低资费等方式设置携转障碍。",
        ),
        section(
            "挽留规范",
            "客户明确表示要携出的，客户代表最多介绍1次挽留方案，挽留通话不超过3分钟，"
            "客户拒绝后不得再次推荐。",
        ),
        section(
            "违规处理",
            one(
                rng,
                "违反上述规定的，按服务质量事件扣减当月绩效。",
                "违反上述规定被投诉属实的，取消当季评优资格。",
            ),
        ),
    )
    facts = (("挽留介绍次数", "1次"), ("挽留通话时长上限", "3分钟"))
    return ArticleDraft(f"{_SUBJECT} 挽留服务", "服务规范", paragraphs, facts)


def _failure_codes(rng: random.Random) -> ArticleDraft:
    codes = (
        ("E101", "证件信息不一致"),
        ("E102", "存在欠费"),
        ("E103", "合约未到期"),
        ("E104", "在网时长不足"),
    )
    table = "；".join(f"{code}：{reason}" for code, reason in codes)
    paragraphs = (
        section("失败代码", f"携转校验失败时，系统返回失败代码：{table}。"),
        section(
            "处理方法",
            one(
                rng,
                "客户代表根据代码向客户解释原因，原因消除后客户须重新申请授权码。",
                "原因消除后24小时内系统自动更新校验结果，客户可重新发起携转。",
            ),
        ),
    )
    facts = tuple((f"{reason}代码", code) for code, reason in codes)
    return ArticleDraft(f"{_SUBJECT} 校验失败", "处理规范", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    _eligibility,
    _authorisation_code,
    _conditions,
    _port_in,
    _after_port_out,
    _welcome_pack,
    _cancel,
    _retention_rules,
    _failure_codes,
)

CATEGORY = Category("携号转网", _RECIPES)
