"""Demo articles on top-ups and payments (充值缴费)."""

from __future__ import annotations

import random
from functools import partial

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

# top up 元, bonus 元, months over which the bonus is returned
_BONUS_OFFERS = ((100, 10, 5), (200, 30, 10), (500, 100, 10))


def _app_top_up(rng: random.Random) -> ArticleDraft:
    minutes = rng.choice((10, 30))
    paragraphs = (
        section(
            "充值方式",
            f"登录{APP}，在首页“充值”中输入号码和金额，支持银行卡和第三方支付。",
        ),
        section(
            "到账时间",
            f"正常情况下即时到账，高峰期最迟{minutes}分钟内到账，到账后短信通知。",
        ),
        section(
            "充值限额",
            "单笔充值金额为10元至500元，同一号码每日累计充值不超过2000元。",
        ),
    )
    facts = (
        ("最迟到账时间", f"{minutes}分钟"),
        ("单笔最高", "500元"),
        ("每日累计上限", "2000元"),
    )
    return ArticleDraft(f"{APP} 充值", "操作指南", paragraphs, facts)


def _card(rng: random.Random) -> ArticleDraft:
    denominations = ("30元", "50元", "100元")
    paragraphs = (
        section("卡面说明", f"充值卡面值有{listing(denominations)}三种，刮开涂层可见19位密码。"),
        section(
            "充值方法",
            f"拨打{HOTLINE}按提示选择充值卡充值，输入被充值号码和19位密码，"
            + one(rng, "听到“充值成功”提示后挂机。", "系统播报充值后余额即表示成功。"),
        ),
        section("有效期", "充值卡须在卡面标注的有效期截止日前使用，过期不能充值也不能退换。"),
    )
    facts = (
        ("卡面面值", listing(denominations)),
        ("密码位数", "19位"),
        ("充值拨号", HOTLINE),
    )
    return ArticleDraft("话费充值卡", "使用说明", paragraphs, facts)


def _bank_debit(rng: random.Random) -> ArticleDraft:
    day = rng.choice((10, 15))
    channels = ("银行柜台", "网上银行", STORE)
    paragraphs = (
        section("签约渠道", f"客户可在{listing(channels)}签约银行代扣，签约次月起生效。"),
        section(
            "扣款规则",
            f"每月{day}日从签约银行卡扣缴上月话费，扣款失败的次日重新扣款，最多重试3次。",
        ),
        section(
            "解约",
            one(
                rng,
                "解约需到签约渠道办理，解约当月仍按原规则扣款。",
                "更换银行卡需先解约再重新签约。",
            ),
        ),
    )
    facts = (
        ("扣款日", f"每月{day}日"),
        ("重试次数", "3次"),
        ("签约渠道", listing(channels)),
    )
    return ArticleDraft("银行代扣", "办理指南", paragraphs, facts)


def _kiosk(rng: random.Random) -> ArticleDraft:
    limit = rng.choice((1000, 2000))
    paragraphs = (
        section("功能说明", f"{BRAND}自助终端支持现金和扫码缴费，现金缴费只收纸币。"),
        section(
            "注意事项",
            f"自助终端不设找零，单笔缴费不超过{limit}元；缴费后可在终端打印缴费凭条。",
        ),
        section(
            "异常处理",
            f"投币后未到账的，保留凭条拨打{HOTLINE}报障，核实后24小时内补充值。",
        ),
    )
    facts = (("单笔上限", f"{limit}元"), ("补充值时限", "24小时"))
    return ArticleDraft("自助终端 缴费", "操作指南", paragraphs, facts)


def _wrong_number(rng: random.Random) -> ArticleDraft:
    documents = ("充值人身份证件", "充值凭证")
    days = rng.choice((10, 15))
    paragraphs = (
        section(
            "受理条件",
            "错充至他人号码且对方号码尚未使用该笔话费的，可申请退款；对方已使用的需协商解决。",
        ),
        section("所需材料", f"{listing(documents)}，线上充值提供支付订单号即可。"),
        section(
            "处理时限",
            f"客户代表派发错充工单，核实后{days}个工作日内原路退款。",
        ),
    )
    facts = (("所需材料", listing(documents)), ("退款时限", f"{days}个工作日"))
    return ArticleDraft("充值错号", "处理规范", paragraphs, facts)


def _not_arrived(rng: random.Random) -> ArticleDraft:
    paragraphs = (
        section(
            "受理标准",
            f"充值超过2小时仍未到账的，客户可拨打{HOTLINE}申请核查。",
        ),
        section(
            "核查流程",
            "客户代表记录支付订单号、充值时间和金额，派发充值核查工单，24小时内回复客户。",
        ),
        section(
            "处理结果",
            one(
                rng,
                "确认支付成功的补充值到账；支付未成功的由支付平台原路退回。",
                "确属系统原因未到账的，补充值后短信通知客户。",
            ),
        ),
    )
    facts = (("受理标准", "2小时"), ("回复时限", "24小时"))
    return ArticleDraft("充值未到账", "处理规范", paragraphs, facts)


def _auto_top_up(rng: random.Random) -> ArticleDraft:
    trigger, amount = rng.choice(((20, 50), (10, 30)))
    paragraphs = (
        section(
            "业务说明",
            f"开通自动充值后，余额低于{trigger}元时自动从绑定银行卡充值{amount}元。",
        ),
        section("开通方式", f"在{APP}“自动充值”中绑定银行卡并设置金额，当月生效。"),
        section("注意事项", "每月自动充值不超过3次，银行卡余额不足时不再重试。"),
    )
    facts = (("触发金额", f"{trigger}元"), ("每次充值金额", f"{amount}元"), ("每月次数上限", "3次"))
    return ArticleDraft("自动充值", "业务说明", paragraphs, facts)


def _bonus(top_up: int, bonus: int, months: int, rng: random.Random) -> ArticleDraft:
    monthly = bonus // months
    paragraphs = (
        section(
            "活动内容",
            f"充值{top_up}元赠送话费{bonus}元，赠送话费自次月起分{months}个月返还，每月返还{monthly}元。",
        ),
        section(
            "参与规则",
            one(
                rng,
                "每个号码活动期内限参与1次，仅限线上渠道。",
                "每个号码活动期内限参与1次，线上线下渠道均可参与。",
            ),
        ),
        section("说明", "赠送话费只能用于抵扣通信费，不能退现，销户时未返还部分作废。"),
    )
    facts = (
        ("赠送话费", f"{bonus}元"),
        ("返还月数", f"{months}个月"),
        ("每月返还", f"{monthly}元"),
    )
    return ArticleDraft(f"充{top_up}元送话费", "活动说明", paragraphs, facts)


def _counter(rng: random.Random) -> ArticleDraft:
    methods = ("现金", "银行卡", "扫码支付")
    paragraphs = (
        section(
            "缴费方式",
            f"{STORE}支持{listing(methods)}三种方式缴费，缴费后即时到账。",
        ),
        section(
            "代缴规定",
            "他人代缴话费无需出示证件，只需提供被缴费号码，营业员须与代缴人核对号码后收款。",
        ),
        section(
            "票据",
            one(
                rng,
                "缴费后提供缴费收据，需要发票的可在月结后开具。",
                "缴费时可直接开具充值发票，月结时该金额不再重复开具。",
            ),
        ),
        section("营业时间", "自有营业厅一般为9:00至18:00，部分中心营业厅延长至20:00。"),
    )
    facts = (("支付方式", listing(methods)), ("代缴所需信息", "被缴费号码"))
    return ArticleDraft("营业厅 缴费", "操作指南", paragraphs, facts)


def _balance_transfer(rng: random.Random) -> ArticleDraft:
    times, limit = rng.choice(((2, 500), (1, 300)))
    paragraphs = (
        section(
            "转移范围",
            "现金余额可在同一证件名下的号码之间转移，赠送余额和返还话费不能转移。",
        ),
        section(
            "转移限制",
            f"每个号码每月最多转出{times}次，单次转出不超过{limit}元，转出后不能撤回。",
        ),
        section("办理方式", f"在{APP}“余额转移”中办理，转入号码即时到账。"),
    )
    facts = (("每月转出次数", f"{times}次"), ("单次转出上限", f"{limit}元"))
    return ArticleDraft("话费余额 转移", "办理指南", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    _app_top_up,
    _card,
    _bank_debit,
    _kiosk,
    _wrong_number,
    _not_arrived,
    _auto_top_up,
    _counter,
    _balance_transfer,
    *(partial(_bonus, *offer) for offer in _BONUS_OFFERS),
)

CATEGORY = Category("充值缴费", _RECIPES)
