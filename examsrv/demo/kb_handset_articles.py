"""Demo articles on handsets and contracts (终端与合约). The handset brands are invented."""

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

# model, memory, list price 元
_HANDSETS = (
    ("启明X60", "8GB+256GB", 3999),
    ("启明X60Pro", "12GB+512GB", 5499),
    ("青禾Note12", "8GB+128GB", 1599),
    ("青禾Note12Ultra", "12GB+256GB", 2499),
    ("灵犀Fold3", "16GB+512GB", 8999),
    ("星舟S9", "12GB+256GB", 2999),
    ("北辰K10", "8GB+256GB", 1999),
    ("云雀A5", "4GB+64GB", 699),
)


def _minimum_spend(price: int) -> int:
    if price >= 5000:
        return 198
    if price >= 2500:
        return 128
    if price >= 1500:
        return 88
    return 58


def _contract_purchase(model: str, memory: str, price: int, rng: random.Random) -> ArticleDraft:
    spend = _minimum_spend(price)
    discount = max(100, price // 500 * 100)
    months = rng.choice((12, 24)) if price < 2000 else 24
    paragraphs = (
        section(
            "活动内容",
            f"客户承诺在网{months}个月、每月最低消费{spend}元，即可以直降{discount}元的优惠"
            f"购买{model}（{memory}），合约价{price - discount}元，官方零售价{price}元。",
        ),
        section(
            "参与条件",
            one(
                rng,
                "限实名登记满6个月、无欠费记录的在网客户参与，每个证件限购1台。",
                "新入网和在网客户均可参与，每个证件限购1台，需本人到厅办理。",
            ),
        ),
        section(
            "违约规定",
            f"合约期内月消费不足{spend}元的，按{spend}元补足收取；"
            "提前解约需按剩余合约月数补缴终端优惠款。",
        ),
        section("办理渠道", f"{STORE}及{APP}“购机专区”，APP下单后由门店送货上门。"),
    )
    facts = (
        ("合约期", f"{months}个月"),
        ("月最低消费", f"{spend}元"),
        ("直降金额", f"{discount}元"),
        ("合约价", f"{price - discount}元"),
        ("官方零售价", f"{price}元"),
    )
    return ArticleDraft(f"{model} 合约购机", "活动说明", paragraphs, facts)


def _prepaid_gift(model: str, memory: str, price: int, rng: random.Random) -> ArticleDraft:
    months = 24
    monthly = max(10, round(price * 0.3 / months / 5) * 5)
    prepaid = monthly * months
    paragraphs = (
        section(
            "活动内容",
            f"客户按官方零售价{price}元购买{model}（{memory}），同时预存话费{prepaid}元，"
            f"预存话费自办理次月起分{months}个月返还，每月返还{monthly}元。",
        ),
        section(
            "返还规则",
            one(
                rng,
                "返还话费于每月3日前到账，只能抵扣通信费用，不能退现或转赠。",
                "返还话费每月初自动到账，当月未用完的返还话费可结转使用，不能退现。",
            ),
        ),
        section(
            "注意事项",
            "活动期间不可办理销户、过户；停机超过3个月的，剩余未返还话费不再返还。",
        ),
    )
    facts = (
        ("预存话费", f"{prepaid}元"),
        ("每月返还", f"{monthly}元"),
        ("返还月数", f"{months}个月"),
        ("官方零售价", f"{price}元"),
    )
    return ArticleDraft(f"{model} 存费送机", "活动说明", paragraphs, facts)


def _early_termination(rng: random.Random) -> ArticleDraft:
    ratio = rng.choice((20, 30))
    documents = ("机主有效身份证件原件", "购机发票", "合约协议")
    paragraphs = (
        section(
            "适用范围",
            "已办理合约购机、存费送机等终端合约活动，合约期未满需要提前解除合约的客户。",
        ),
        section(
            "违约金计算",
            f"提前解约的，按剩余未返还话费的{ratio}%收取违约金，已返还的话费不予追回。",
        ),
        section(
            "办理要求",
            f"需机主本人携带{listing(documents)}到{STORE}办理，{HOTLINE}热线和{APP}不受理解约。",
        ),
        section("办理时限", "营业员当场核算违约金，客户确认缴纳后合约即时解除。"),
    )
    facts = (
        ("违约金比例", f"{ratio}%"),
        ("所需材料", listing(documents)),
        ("办理渠道", STORE),
    )
    return ArticleDraft("合约终端 提前解约", "处理规范", paragraphs, facts)


def _returns(rng: random.Random) -> ArticleDraft:
    conditions = ("包装完好", "配件齐全", "发票原件")
    swap_days = rng.choice((15, 30))
    paragraphs = (
        section(
            "退货规定",
            f"自签收之日起7天内，未激活且{listing(conditions)}的终端可无理由退货；"
            "已激活的终端仅在出现性能故障时可退货。",
        ),
        section(
            "换货规定",
            f"自签收之日起{swap_days}天内出现性能故障的，经{BRAND}授权维修点检测确认后可换货。",
        ),
        section("保修规定", "终端整机保修1年，电池和充电器保修6个月。"),
        section(
            "合约处理",
            one(
                rng,
                "合约终端退货时，合约同时解除，已返还的话费从退款中扣除。",
                "合约终端退货的，须先解除合约，退款原路退回，约7个工作日到账。",
            ),
        ),
    )
    facts = (
        ("无理由退货期", "7天"),
        ("退货条件", listing(conditions)),
        ("故障换货期", f"{swap_days}天"),
        ("电池保修期", "6个月"),
    )
    return ArticleDraft("合约终端 退换货", "处理规范", paragraphs, facts)


def _trade_in(rng: random.Random) -> ArticleDraft:
    subsidy = rng.choice((300, 500))
    paragraphs = (
        section(
            "活动内容",
            f"客户交回旧手机并购买新机，在旧机评估价基础上额外补贴最高{subsidy}元。",
        ),
        section(
            "办理流程",
            f"客户携带旧机到{STORE}，营业员现场检测估价，客户确认后签署回收协议，"
            "评估款直接抵扣新机货款。",
        ),
        section(
            "注意事项",
            one(
                rng,
                "旧机须为本人所有，交回前请自行备份数据并退出云账号。",
                "无法开机或有进水痕迹的旧机不参与补贴，按回收价另行折算。",
            ),
        ),
    )
    facts = (("最高补贴", f"{subsidy}元"), ("办理渠道", STORE))
    return ArticleDraft("以旧换新", "活动说明", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    *(partial(_contract_purchase, *handset) for handset in _HANDSETS),
    *(partial(_prepaid_gift, *handset) for handset in _HANDSETS),
    _early_termination,
    _returns,
    _trade_in,
)

CATEGORY = Category("终端与合约", _RECIPES)
