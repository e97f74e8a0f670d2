"""Demo articles on charges and bills (话费与账单)."""

from __future__ import annotations

import random
from functools import partial

from examsrv.demo.kb_draft import (
    APP,
    HOTLINE,
    ONLINE_HALL,
    STORE,
    ArticleDraft,
    Category,
    Recipe,
    listing,
    one,
    section,
)

# star level, credit limit 元
_CREDIT = (
    ("一星级", 20),
    ("二星级", 50),
    ("三星级", 100),
    ("四星级", 200),
    ("五星级", 300),
    ("六星级", 500),
    ("七星级", 1000),
)


def _monthly_bill(rng: random.Random) -> ArticleDraft:
    day = rng.choice((3, 5))
    paragraphs = (
        section(
            "出账规则",
            f"每月1日至月底为一个计费周期，上月账单于每月{day}日出账，出账后可查询完整账单。",
        ),
        section(
            "查询方式",
            f"发送CXZD至{HOTLINE}查询上月账单；在{APP}“账单查询”中可查询最近12个月账单。",
        ),
        section(
            "客户代表要点",
            one(
                rng,
                "客户质疑账单金额时，先按费用项目逐项解释，再查看是否有增值业务扣费。",
                "出账日前查询的账单为实时话费，仅供参考，以出账后账单为准。",
            ),
        ),
    )
    facts = (("出账日", f"每月{day}日"), ("账单查询指令", "CXZD"), ("可查账单月数", "12个月"))
    return ArticleDraft("月度账单", "查询指南", paragraphs, facts)


def _itemised(rng: random.Random) -> ArticleDraft:
    paragraphs = (
        section(
            "查询范围",
            "可查询当月及前5个月（共6个月）的通话、短信和上网详单，超过期限的详单不再提供。",
        ),
        section(
            "查询方式",
            f"登录{APP}或{ONLINE_HALL}，输入服务密码和短信验证码后查询；"
            f"{HOTLINE}热线不提供详单逐条播报。",
        ),
        section(
            "打印详单",
            one(
                rng,
                f"需打印纸质详单的，机主本人持有效身份证件到{STORE}办理，免费打印。",
                f"纸质详单需机主本人到{STORE}打印，代办人不能打印他人详单。",
            ),
        ),
    )
    facts = (("详单查询范围", "6个月"), ("查询凭证", "服务密码"), ("纸质详单办理渠道", STORE))
    return ArticleDraft("通话详单", "查询指南", paragraphs, facts)


def _balance(rng: random.Random) -> ArticleDraft:
    threshold = rng.choice((10, 20))
    paragraphs = (
        section(
            "查询方式",
            f"发送CXYE至{HOTLINE}查询实时余额；拨打{HOTLINE}按1号键可听取语音播报。",
        ),
        section(
            "余额提醒",
            f"账户余额低于{threshold}元时系统自动发送短信提醒，客户可在{APP}中修改提醒金额。",
        ),
        section("说明", "余额包含现金余额和赠送余额，赠送余额不能退还也不能转账。"),
    )
    facts = (("余额查询指令", "CXYE"), ("余额提醒金额", f"{threshold}元"))
    return ArticleDraft("话费余额", "查询指南", paragraphs, facts)


def _invoice(rng: random.Random) -> ArticleDraft:
    hours = rng.choice((24, 48))
    paragraphs = (
        section(
            "开具范围",
            "可为最近12个月的月结账单开具电子发票，抬头可为个人或单位。",
        ),
        section(
            "开具方式",
            f"在{APP}“发票服务”中填写抬头和邮箱，电子发票在{hours}小时内发送至客户邮箱。",
        ),
        section(
            "注意事项",
            one(
                rng,
                "充值时已开具发票的金额，月结时不再重复开具。",
                "单位抬头需填写纳税人识别号，开具后不能修改，需作废后重开。",
            ),
        ),
    )
    facts = (("可开票月数", "12个月"), ("电子发票送达时限", f"{hours}小时"))
    return ArticleDraft("电子发票", "开具指南", paragraphs, facts)


def _dispute(rng: random.Random) -> ArticleDraft:
    days = rng.choice((3, 5))
    paragraphs = (
        section("受理范围", "客户对已出账话费有异议的，可在出账后6个月内提出。"),
        section(
            "处理流程",
            f"客户代表记录争议费用项目和金额，派发计费争议工单，计费中心{days}个工作日内完成核查。",
        ),
        section(
            "退费方式",
            "核查确认多收的，退费以话费形式返还至客户账户，"
            + one(rng, "并短信告知客户。", "客户代表回访确认。"),
        ),
    )
    facts = (("争议提出期限", "6个月"), ("核查时限", f"{days}个工作日"), ("退费方式", "话费"))
    return ArticleDraft("话费争议", "处理规范", paragraphs, facts)


def _data_cap(rng: random.Random) -> ArticleDraft:
    cap = rng.choice((500, 600))
    paragraphs = (
        section(
            "封顶规则",
            f"国内套外流量费用每月达到{cap}元时，系统暂停上网功能并短信提醒客户。",
        ),
        section(
            "恢复方式",
            f"客户回复短信“KT”或发送HFSW至{HOTLINE}可恢复上网，恢复后继续按套外资费计费。",
        ),
        section(
            "说明",
            one(rng, "封顶金额不含国际漫游流量费用。", "次月1日自动恢复上网功能。"),
        ),
    )
    facts = (("套外流量封顶", f"{cap}元"), ("恢复上网指令", "HFSW"))
    return ArticleDraft("套外流量 费用封顶", "业务规则", paragraphs, facts)


def _late_roaming(rng: random.Random) -> ArticleDraft:
    paragraphs = (
        section(
            "延迟原因",
            "国际及港澳台漫游费用由境外运营商传回后才能出账，通常延迟1至2个月。",
        ),
        section(
            "最长延迟",
            "个别地区最长延迟3个月，延迟出账的费用计入实际出账月份的账单。",
        ),
        section(
            "客户代表要点",
            one(
                rng,
                "客户销户前有出境记录的，应提醒客户保留足够余额。",
                "客户对延迟出账有异议的，可调取境外运营商话单核对。",
            ),
        ),
    )
    facts = (("通常延迟", "1至2个月"), ("最长延迟", "3个月"))
    return ArticleDraft("漫游费用 延迟出账", "业务规则", paragraphs, facts)


def _family_payment(rng: random.Random) -> ArticleDraft:
    members = rng.choice((5, 8))
    documents = ("主号机主身份证件", "成员号码机主身份证件")
    paragraphs = (
        section("业务说明", f"家庭统一付费可由主号为最多{members}个成员号码统一支付话费。"),
        section("办理要求", f"需携带{listing(documents)}到{STORE}办理，成员号码须为本省号码。"),
        section("生效时间", "办理后次月1日生效，取消统付同样次月生效。"),
    )
    facts = (
        ("成员上限", f"{members}个"),
        ("所需证件", listing(documents)),
        ("生效时间", "次月1日"),
    )
    return ArticleDraft("家庭统一付费", "办理指南", paragraphs, facts)


def _credit(star: str, limit: int, rng: random.Random) -> ArticleDraft:
    paragraphs = (
        section(
            "额度标准",
            f"{star}客户享受信用额度{limit}元，余额用完后可继续透支使用至信用额度用尽。",
        ),
        section(
            "停机规则",
            "透支金额达到信用额度时停机；"
            + one(rng, "缴清透支款后自动复机。", "缴费后30分钟内自动恢复通信。"),
        ),
        section("额度调整", "信用额度随星级每年1月调整，星级变化后次月生效。"),
    )
    facts = (("信用额度", f"{limit}元"), ("额度调整时间", "每年1月"))
    return ArticleDraft(f"{star}客户", "信用额度规则", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    _monthly_bill,
    _itemised,
    _balance,
    _invoice,
    _dispute,
    _data_cap,
    _late_roaming,
    _family_payment,
    *(partial(_credit, star, limit) for star, limit in _CREDIT),
)

CATEGORY = Category("话费与账单", _RECIPES)
