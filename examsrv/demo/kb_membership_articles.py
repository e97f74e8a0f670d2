"""Demo articles on loyalty points and star membership (积分与会员)."""

from __future__ import annotations

import random
from functools import partial

from examsrv.demo.kb_draft import (
    APP,
    BRAND,
    HOTLINE,
    ArticleDraft,
    Category,
    Recipe,
    one,
    section,
)

# star, monthly spend threshold 元, free SIM replacements, airport lounge visits, points multiplier
_STARS = (
    ("一星级", 10, 0, 0, "1倍"),
    ("二星级", 30, 0, 0, "1倍"),
    ("三星级", 60, 1, 0, "1.1倍"),
    ("四星级", 100, 1, 0, "1.2倍"),
    ("五星级", 200, 2, 2, "1.5倍"),
    ("六星级", 300, 3, 4, "1.8倍"),
    ("七星级", 500, 5, 8, "2倍"),
)


def _star(
    star: str, spend: int, sims: int, lounges: int, multiplier: str, rng: random.Random
) -> ArticleDraft:
    rights = [f"消费积分按{multiplier}累积"]
    facts = [("评定门槛", f"{spend}元"), ("积分倍率", multiplier)]
    if sims:
        rights.append(f"每年免费补换卡{sims}次")
        facts.append(("免费补换卡次数", f"{sims}次"))
    if lounges:
        rights.append(f"每年可使用机场贵宾厅{lounges}次")
        rights.append(f"拨打{HOTLINE}优先接入人工服务")
        facts.append(("机场贵宾厅次数", f"{lounges}次"))
    paragraphs = (
        section(
            "评定标准",
            f"近6个月月均消费达到{spend}元（含）且无欠费记录的客户，评定为{star}会员。",
        ),
        section("专属权益", "；".join(rights) + "。"),
        section(
            "评定周期",
            one(
                rng,
                "星级每年1月根据上一年消费情况重新评定，新入网客户次月完成首次评定。",
                "星级每年1月统一评定，年中消费提升的可在APP申请提前评定，每年限1次。",
            ),
        ),
    )
    return ArticleDraft(f"{star}会员", "权益说明", paragraphs, tuple(facts))


def _earning(rng: random.Random) -> ArticleDraft:
    years = rng.choice((2, 3))
    paragraphs = (
        section(
            "积分累积",
            "客户每消费1元累积1积分，赠送话费、代收费和国际漫游费用不累积积分。",
        ),
        section(
            "有效期",
            f"积分自累积之日起{years}年内有效，逾期未使用的积分在每年12月31日清零。",
        ),
        section("积分到账", "上月消费积分于每月10日前到账，可在APP“积分中心”查看明细。"),
    )
    facts = (
        ("每元累积积分", "1积分"),
        ("积分有效期", f"{years}年"),
        ("清零日期", "12月31日"),
    )
    return ArticleDraft("积分累积 与有效期", "业务规则", paragraphs, facts)


def _query(rng: random.Random) -> ArticleDraft:
    paragraphs = (
        section(
            "查询方式",
            f"发送CXJF至{HOTLINE}查询当前可用积分，或登录{APP}“积分中心”查看积分明细。",
        ),
        section(
            "客户代表要点",
            one(
                rng,
                "客户对积分数量有异议的，先核对是否有积分已过期或已兑换。",
                "已销户号码的积分不能查询，也不能转移到新号码。",
            ),
        ),
    )
    facts = (("积分查询指令", "CXJF"), ("查询渠道", APP))
    return ArticleDraft("积分查询", "操作指南", paragraphs, facts)


# reward, points needed, what one redemption gives, code
_REWARDS = (
    ("积分兑换话费", 1000, "10元话费", "DHHF"),
    ("积分兑换流量", 800, "1GB国内通用流量", "DHLL"),
    ("积分兑换视频会员", 1500, "通达视频月度会员", "DHSP"),
    ("积分兑换彩铃", 300, "通达彩铃一个月功能费", "DHCL"),
)


def _redeem(reward: str, points: int, gives: str, code: str, rng: random.Random) -> ArticleDraft:
    limit = rng.choice((3, 5))
    paragraphs = (
        section("兑换标准", f"每{points}积分可兑换{gives}，兑换后积分立即扣减。"),
        section(
            "兑换方式",
            f"发送{code}至{HOTLINE}，或在{APP}“积分商城”兑换，每月最多兑换{limit}次。",
        ),
        section(
            "注意事项",
            one(
                rng,
                "兑换成功后不能撤销，积分不予退还。",
                "兑换的权益在24小时内到账，到账后短信通知。",
            ),
        ),
    )
    facts = (
        ("所需积分", f"{points}积分"),
        ("兑换指令", code),
        ("每月兑换上限", f"{limit}次"),
    )
    return ArticleDraft(reward, "兑换说明", paragraphs, facts)


def _transfer(rng: random.Random) -> ArticleDraft:
    yearly = rng.choice((5000, 10000))
    paragraphs = (
        section(
            "转赠规则",
            f"积分可转赠给同一证件名下或已组建家庭网的号码，每年转赠累计不超过{yearly}积分。",
        ),
        section(
            "办理方式",
            f"在{APP}“积分中心-积分转赠”中输入对方号码和积分数量，对方确认后到账。",
        ),
        section("说明", f"转赠的积分有效期不变，{BRAND}积分转赠免费，不收取手续费。"),
    )
    facts = (("年度转赠上限", f"{yearly}积分"), ("转赠手续费", "免费"))
    return ArticleDraft("积分转赠", "业务规则", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    *(partial(_star, *star) for star in _STARS),
    _earning,
    _query,
    *(partial(_redeem, *reward) for reward in _REWARDS),
    _transfer,
)

CATEGORY = Category("积分与会员", _RECIPES)
