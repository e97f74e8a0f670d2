"""Demo articles on tariff plans (资费套餐) and data packs (流量包)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import partial

from examsrv.demo.kb_draft import (
    APP,
    BRAND,
    CHANNELS,
    HOTLINE,
    ArticleDraft,
    Category,
    listing,
    one,
    section,
    some,
)

# 资费套餐 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Family:
    name: str
    code: str
    audience: str
    lock_months: int
    over_data: str
    over_voice: str
    tiers: tuple[tuple[int, int, int, int], ...]  # fee 元, data GB, minutes, family extra


_FAMILIES = (
    _Family(
        "畅享5G套餐",
        "BLCX",
        "个人客户",
        12,
        "5元/GB",
        "0.15元/分钟",
        (
            (128, 40, 500, 0),
            (158, 60, 700, 0),
            (198, 80, 1000, 0),
            (238, 100, 1200, 0),
            (298, 150, 1500, 0),
            (398, 200, 2000, 0),
        ),
    ),
    _Family(
        "5G智享套餐",
        "BLZX",
        "对价格较敏感的个人客户",
        0,
        "5元/GB",
        "0.19元/分钟",
        ((58, 10, 100, 0), (78, 20, 200, 0), (99, 30, 300, 0)),
    ),
    _Family(
        "全家享套餐",
        "BLQJ",
        "家庭客户",
        24,
        "3元/GB",
        "0.15元/分钟",
        ((169, 60, 1000, 2), (229, 100, 1500, 3), (299, 150, 2000, 4)),
    ),
    _Family(
        "青春校园卡",
        "BLXY",
        "在校学生",
        0,
        "3元/GB",
        "0.1元/分钟",
        ((19, 15, 100, 0), (29, 30, 200, 0), (39, 50, 300, 0)),
    ),
    _Family(
        "银龄关爱卡",
        "BLYL",
        "老年客户",
        0,
        "5元/GB",
        "0.1元/分钟",
        ((18, 3, 200, 3), (28, 5, 300, 3), (38, 10, 500, 5)),
    ),
    _Family(
        "商旅畅行套餐",
        "BLSL",
        "经常出差的商务客户",
        12,
        "5元/GB",
        "0.15元/分钟",
        ((188, 50, 1500, 3), (288, 100, 3000, 5), (388, 150, 5000, 10)),
    ),
    _Family(
        "畅游流量卡",
        "BLCY",
        "以上网为主、通话较少的客户",
        0,
        "3元/GB",
        "0.1元/分钟",
        ((29, 30, 0, 0), (49, 60, 0, 0), (69, 100, 0, 0)),
    ),
)

_BROADBAND_WITH_FAMILY_PLAN = {169: "300M", 229: "500M", 299: "1000M"}


def _plan(family: _Family, tier: tuple[int, int, int, int], rng: random.Random) -> ArticleDraft:
    fee, data_gb, minutes, extra = tier
    code = f"{family.code}{fee}"
    facts: list[tuple[str, str]] = [("月费", f"{fee}元"), ("国内通用流量", f"{data_gb}GB")]
    intro = f"{family.name}{fee}元档是{BRAND}面向{family.audience}推出的资费套餐，" + one(
        rng, "支持4G/5G网络。", "5G与4G网络均可使用。", "在全国范围内使用，无漫游费。"
    )
    if minutes:
        content = f"月费{fee}元，包含国内通用流量{data_gb}GB、国内主叫{minutes}分钟，" + one(
            rng, "国内被叫免费，免费提供来电显示。", "国内接听免费，赠送来电显示功能。"
        )
        facts.append(("国内主叫", f"{minutes}分钟"))
        over = (
            f"套餐内流量用完后，国内流量按{family.over_data}计费；"
            f"超出套餐的国内主叫按{family.over_voice}计费。"
        )
        facts.append(("套外流量资费", family.over_data))
        facts.append(("套外语音资费", family.over_voice))
    else:
        content = (
            f"月费{fee}元，包含国内通用流量{data_gb}GB，套餐不含通话分钟数，"
            f"国内主叫按{family.over_voice}计费，国内被叫免费。"
        )
        facts.append(("国内主叫资费", family.over_voice))
        over = f"套餐内流量用完后，国内流量按{family.over_data}计费，当月封顶后可自动限速。"
        facts.append(("套外流量资费", family.over_data))
    extras: list[str] = []
    if family.code == "BLQJ":
        broadband = _BROADBAND_WITH_FAMILY_PLAN[fee]
        extras.append(
            f"主卡最多可添加{extra}张副卡，副卡共享主卡套餐内的流量和通话，副卡月功能费全免；"
            f"套餐同时包含{broadband}家庭宽带一条。"
        )
        facts += [("副卡数量", f"{extra}张"), ("含家庭宽带", broadband)]
    elif family.code == "BLYL":
        extras.append(f"可设置{extra}个亲情号码，拨打亲情号码不计入套餐分钟数且免费。")
        extras.append("仅限年满60周岁的客户本人持有效身份证件办理。")
        facts += [("亲情号码数量", f"{extra}个"), ("年龄下限", "60周岁")]
    elif family.code == "BLXY":
        extras.append("仅限年满16周岁且不超过24周岁的在校学生办理，办理时需出示学生证。")
        facts.append(("年龄上限", "24周岁"))
    elif family.code == "BLSL":
        extras.append(f"每月赠送{extra}天港澳台漫游日包，当月未使用的天数不结转。")
        facts.append(("港澳台漫游天数", f"{extra}天"))
    effective = one(
        rng,
        "新入网客户办理当月按日折算月费和套餐内容，次月起全额生效。",
        "在网客户办理后次月1日生效，当月仍执行原套餐。",
        "办理成功后立即生效，当月月费和套餐内容按剩余天数折算。",
    )
    channels = listing(some(rng, CHANNELS, 2, 4))
    handling = f"客户可通过{channels}办理，也可编辑短信{code}发送至{HOTLINE}办理，" + one(
        rng, "收到确认短信后回复“是”即可。", "按短信提示二次确认后生效。"
    )
    facts.append(("办理指令", code))
    if family.lock_months:
        tips = (
            f"套餐最低在网期为{family.lock_months}个月，期内不可降档或取消，"
            "可升档至同系列更高档位。"
        )
        facts.append(("最低在网期", f"{family.lock_months}个月"))
    else:
        tips = one(
            rng,
            "本套餐无最低在网期要求，可随时变更为其他在售套餐，变更次月生效。",
            "本套餐不设合约期，每月可变更一次套餐，变更次月生效。",
        )
    paragraphs = [
        section("套餐简介", intro),
        section("资费标准", content + "".join(extras)),
        section("套外资费", over),
        section(one(rng, "生效规则", "生效时间"), effective),
        section("办理方式", handling),
        section(one(rng, "温馨提示", "注意事项"), tips),
    ]
    if rng.random() < 0.5:
        paragraphs[3], paragraphs[4] = paragraphs[4], paragraphs[3]
    return ArticleDraft(f"{family.name} {fee}元档", "资费说明", tuple(paragraphs), tuple(facts))


# 流量包 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PackKind:
    name: str
    code: str
    validity: str
    validity_text: str
    limit: int
    cancellable: bool
    usage: str
    tiers: tuple[tuple[int, int], ...]  # GB, price 元


_PACK_KINDS = (
    _PackKind(
        "流量日包",
        "RB",
        "24小时",
        "自订购成功起24小时内有效，到期自动失效，无需退订。",
        10,
        False,
        "包内流量为国内通用流量，可在4G/5G网络下使用。",
        ((1, 3), (2, 5), (5, 10)),
    ),
    _PackKind(
        "流量7天包",
        "QB",
        "7天",
        "自订购成功起7天内有效，到期自动失效。",
        4,
        False,
        "包内流量为国内通用流量，适合短期出行时使用。",
        ((5, 10), (10, 15)),
    ),
    _PackKind(
        "流量月包",
        "YB",
        "当月",
        "订购当月有效，当月未用完的流量可结转至次月使用，结转流量次月底失效。",
        1,
        True,
        "包内流量为国内通用流量，优先于套餐内流量使用。",
        ((10, 30), (20, 50), (30, 60), (50, 90)),
    ),
    _PackKind(
        "夜间流量包",
        "YJ",
        "当月",
        "按自然月订购，订购当月有效，月底未用完的流量清零，不可结转。",
        1,
        True,
        "包内流量仅限每日23:00至次日7:00使用，其他时段使用套餐内流量。",
        ((10, 10), (30, 20)),
    ),
    _PackKind(
        "视频定向流量包",
        "SP",
        "当月",
        "订购当月有效，次月自动续订，不需要时请及时退订。",
        1,
        True,
        "包内流量仅限通达视频、通达音乐等指定应用使用，访问其他应用按套餐规则计费。",
        ((20, 9), (40, 18)),
    ),
    _PackKind(
        "流量季包",
        "JB",
        "90天",
        "自订购成功起90天内有效，到期后不自动续订。",
        2,
        False,
        "包内流量为国内通用流量，可与套餐内流量叠加使用。",
        ((30, 80), (60, 150)),
    ),
    _PackKind(
        "流量半年包",
        "BN",
        "180天",
        "自订购成功起180天内有效，到期后不自动续订。",
        1,
        False,
        "包内流量为国内通用流量，副卡不可共享。",
        ((60, 138), (120, 248)),
    ),
    _PackKind(
        "节假日流量包",
        "JR",
        "3天",
        "在法定节假日期间订购，自订购成功起3天内有效。",
        3,
        False,
        "包内流量为国内通用流量，仅限法定节假日期间订购。",
        ((5, 5), (10, 8)),
    ),
)


def _pack(kind: _PackKind, tier: tuple[int, int], rng: random.Random) -> ArticleDraft:
    gb, price = tier
    order = f"KT{kind.code}{gb}"
    facts: list[tuple[str, str]] = [
        ("资费", f"{price}元"),
        ("包内流量", f"{gb}GB"),
        ("有效期", kind.validity),
        ("开通指令", order),
        ("每月订购上限", f"{kind.limit}次"),
    ]
    per = "月" if kind.validity == "当月" else "个"
    intro = f"{kind.name}{gb}GB档是{BRAND}为在网手机客户提供的可选流量包，" + one(
        rng, "4G和5G套餐客户均可订购。", "各类在售套餐客户均可叠加订购。"
    )
    paragraphs = [
        section("业务简介", intro + kind.usage),
        section("资费标准", f"资费{price}元/{per}，包含流量{gb}GB。"),
        section("有效期", kind.validity_text),
    ]
    handling = one(
        rng,
        f"编辑短信{order}发送至{HOTLINE}，或登录{APP}在“流量专区”订购。",
        f"登录{APP}订购，或发送{order}至{HOTLINE}，回复确认短信后即时生效。",
    )
    handling += f"同一号码每月最多可订购{kind.limit}次，订购成功后立即生效。"
    paragraphs.append(section("办理方式", handling))
    if kind.cancellable:
        cancel = f"QX{kind.code}{gb}"
        when = one(rng, "次月1日生效", "立即生效，当月费用不退还")
        paragraphs.append(section("退订方式", f"发送{cancel}至{HOTLINE}退订，退订{when}。"))
        facts.append(("退订指令", cancel))
    tips = one(
        rng,
        "流量包内流量用完后，按所在套餐的套外资费计费。",
        "多个流量包同时生效时，按到期时间先后依次使用。",
        "流量包不可转赠他人，销户或过户时剩余流量作废。",
    )
    paragraphs.append(section("温馨提示", tips))
    return ArticleDraft(f"{kind.name} {gb}GB档", "办理说明", tuple(paragraphs), tuple(facts))


CATEGORIES = (
    Category(
        "资费套餐",
        tuple(partial(_plan, family, tier) for family in _FAMILIES for tier in family.tiers),
    ),
    Category(
        "流量包",
        tuple(partial(_pack, kind, tier) for kind in _PACK_KINDS for tier in kind.tiers),
    ),
)
