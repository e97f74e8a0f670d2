"""Demo articles on international, Hong Kong, Macao and Taiwan roaming (国际及港澳台漫游)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import partial

from examsrv.demo.kb_draft import (
    APP,
    HOTLINE,
    ROAMING_HOTLINE,
    STORE,
    ArticleDraft,
    Category,
    Recipe,
    listing,
    one,
    section,
)


@dataclass(frozen=True)
class _Zone:
    day_price: int
    day_data: str
    call_home: str
    answer: str
    sms: str
    week_price: int
    week_data: str


_ZONES = {
    "港澳台": _Zone(25, "1GB", "0.99元/分钟", "0.69元/分钟", "0.36元/条", 98, "5GB"),
    "亚洲": _Zone(30, "1GB", "1.99元/分钟", "1.49元/分钟", "0.59元/条", 128, "6GB"),
    "欧美澳": _Zone(35, "1GB", "2.99元/分钟", "2.49元/分钟", "0.99元/条", 168, "5GB"),
    "其他": _Zone(50, "500MB", "3.99元/分钟", "2.99元/分钟", "1.29元/条", 258, "3GB"),
}

_DESTINATIONS = (
    ("中国香港", "HK", "港澳台"),
    ("中国澳门", "MO", "港澳台"),
    ("中国台湾", "TW", "港澳台"),
    ("日本", "JP", "亚洲"),
    ("韩国", "KR", "亚洲"),
    ("新加坡", "SG", "亚洲"),
    ("泰国", "TH", "亚洲"),
    ("马来西亚", "MY", "亚洲"),
    ("越南", "VN", "亚洲"),
    ("印度尼西亚", "ID", "亚洲"),
    ("菲律宾", "PH", "亚洲"),
    ("美国", "US", "欧美澳"),
    ("加拿大", "CA", "欧美澳"),
    ("英国", "GB", "欧美澳"),
    ("法国", "FR", "欧美澳"),
    ("德国", "DE", "欧美澳"),
    ("意大利", "IT", "欧美澳"),
    ("西班牙", "ES", "欧美澳"),
    ("澳大利亚", "AU", "欧美澳"),
    ("新西兰", "NZ", "欧美澳"),
    ("阿联酋", "AE", "其他"),
    ("埃及", "EG", "其他"),
    ("南非", "ZA", "其他"),
    ("巴西", "BR", "其他"),
    ("土耳其", "TR", "其他"),
    ("俄罗斯", "RU", "其他"),
)


def _day_pass(place: str, iso: str, zone_name: str, rng: random.Random) -> ArticleDraft:
    zone = _ZONES[zone_name]
    order = f"KTMY{iso}"
    throttle = rng.choice(("128kbps", "256kbps"))
    paragraphs = (
        section("适用地区", f"{place}全境，可使用当地主流运营商网络。"),
        section(
            "资费标准",
            f"日套餐资费{zone.day_price}元/天，每日含高速流量{zone.day_data}，"
            f"超出后限速至{throttle}，当日不再额外收费。",
        ),
        section(
            "计费规则",
            one(
                rng,
                "按北京时间自然日计费，当天首次使用流量时扣费，不使用流量不收费。",
                "以北京时间0点至24点为一天，当天产生流量才收取日套餐费，未产生流量不扣费。",
            ),
        ),
        section(
            "语音与短信",
            f"在{place}拨打中国内地号码{zone.call_home}，接听电话{zone.answer}，"
            f"发送短信{zone.sms}，接收短信免费。",
        ),
        section(
            "开通方式",
            f"出境前发送{order}至{HOTLINE}开通，或在{APP}“漫游专区”订购；"
            f"境外如有问题可拨打客服热线{ROAMING_HOTLINE}，该号码接听免费。",
        ),
    )
    facts = (
        ("日套餐资费", f"{zone.day_price}元/天"),
        ("每日高速流量", zone.day_data),
        ("超出后限速", throttle),
        ("拨打中国内地", zone.call_home),
        ("接听电话", zone.answer),
        ("发送短信", zone.sms),
        ("开通指令", order),
    )
    return ArticleDraft(f"{place} 漫游日套餐", "资费说明", paragraphs, facts)


def _week_pass(place: str, iso: str, zone_name: str, rng: random.Random) -> ArticleDraft:
    zone = _ZONES[zone_name]
    order = f"KTMZ{iso}"
    activate_days = rng.choice((30, 60))
    paragraphs = (
        section(
            "产品介绍",
            f"{place}7天多日套餐适合短期出行，套餐资费{zone.week_price}元，"
            f"7天内共享高速流量{zone.week_data}。",
        ),
        section(
            "有效期",
            f"订购后{activate_days}天内在{place}首次使用流量即激活，"
            "自激活时起连续7天（168小时）有效，逾期未激活自动失效并全额退款。",
        ),
        section(
            "使用说明",
            one(
                rng,
                "高速流量用完后限速至128kbps；语音和短信按标准漫游资费另行计费。",
                "套餐只含流量，不含语音和短信；高速流量用完后可叠加订购日套餐。",
            ),
        ),
        section("订购方式", f"发送{order}至{HOTLINE}，或到{STORE}办理。"),
    )
    facts = (
        ("套餐资费", f"{zone.week_price}元"),
        ("套餐内高速流量", zone.week_data),
        ("激活期限", f"{activate_days}天"),
        ("开通指令", order),
    )
    return ArticleDraft(f"{place} 7天多日套餐", "资费说明", paragraphs, facts)


def _enable_roaming(rng: random.Random) -> ArticleDraft:
    needs = ("实名登记", "无欠费", "在网满3个月")
    deposit = rng.choice((300, 500))
    paragraphs = (
        section(
            "开通条件",
            f"客户须满足{listing(needs)}，不满足在网时长要求的客户需预存{deposit}元话费作为保证金。",
        ),
        section(
            "开通方式",
            f"发送KTGJMY至{HOTLINE}，或登录{APP}开通，开通后立即生效，功能费免费。",
        ),
        section(
            "关闭方式",
            f"发送QXGJMY至{HOTLINE}关闭；长期不出境的客户建议关闭，避免误产生漫游费用。",
        ),
        section(
            "温馨提示",
            one(
                rng,
                "出境前请确认手机支持目的地网络制式，并打开“数据漫游”开关。",
                "境外产生的费用可能延迟出账，最长延迟约3个月，请保留足够余额。",
            ),
        ),
    )
    facts = (
        ("开通条件", listing(needs)),
        ("保证金", f"{deposit}元"),
        ("开通指令", "KTGJMY"),
        ("关闭指令", "QXGJMY"),
    )
    return ArticleDraft("国际漫游功能", "开通指南", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    _enable_roaming,
    *(partial(_day_pass, *destination) for destination in _DESTINATIONS),
    *(partial(_week_pass, *destination) for destination in _DESTINATIONS),
)

CATEGORY = Category("国际及港澳台漫游", _RECIPES)
