"""Demo articles on cancelling value-added services (增值业务退订)."""

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
    listing,
    one,
    section,
)

_QUERY_CODE = "CXDG"

# service, what it does, monthly fee 元, code
_SERVICES = (
    ("通达彩铃", "为主叫方播放个性化回铃音", 5, "CL"),
    ("视频彩铃", "让主叫方在等待接通时观看短视频", 6, "SPCL"),
    ("来电提醒", "在关机或无信号期间把来电以短信形式提醒机主", 2, "LDTX"),
    ("通达手机报", "每天早晚推送新闻资讯彩信", 3, "SJB"),
    ("通达云盘会员", "提供1TB云端存储空间和极速上传", 10, "YPHY"),
    ("通达音乐白金会员", "提供无损音乐下载和会员曲库", 15, "YYHY"),
    ("通达阅读畅读包", "提供数万本电子书畅读", 5, "YDB"),
    ("通达游戏畅玩包", "提供指定游戏道具和免流量下载", 10, "YXB"),
    ("通达视频会员", "提供影视会员内容免广告观看", 20, "SPHY"),
    ("号码管家", "识别和拦截骚扰、诈骗电话", 3, "HMGJ"),
    ("安全管家", "提供手机病毒查杀和防盗定位", 5, "AQGJ"),
    ("语音信箱", "在机主无法接听时为来电方留言", 3, "YYXX"),
    ("通达邮箱VIP", "提供大容量邮箱和新邮件短信提醒", 5, "YXVIP"),
    ("亲情定位", "在家人授权后查询其大致位置", 5, "QQDW"),
    ("短信回执", "在对方收到短信后返回送达回执", 1, "DXHZ"),
    ("炫铃音乐盒", "批量设置多首彩铃轮换播放", 8, "XLYYH"),
)


def _service(name: str, does: str, fee: int, code: str, rng: random.Random) -> ArticleDraft:
    cancel = f"QX{code}"
    effective = rng.choice(("立即生效", "次月1日生效"))
    refund_months = rng.choice((3, 6))
    if rng.random() < 0.5:
        ways = (
            f"1. 发送{cancel}至{HOTLINE}；2. 登录{APP}，在“我的-已订业务”中退订；"
            f"3. 拨打{HOTLINE}由客户代表核实身份后代为退订。"
        )
    else:
        ways = (
            f"客户可发送{cancel}至{HOTLINE}自助退订，也可在{APP}“已订业务”页面退订；"
            "客户来电要求退订的，客户代表核实机主身份后直接在系统中退订。"
        )
    paragraphs = (
        section("业务简介", f"{name}{does}，功能费{fee}元/月，按自然月收取。"),
        section("退订方式", ways),
        section(
            "生效规则",
            f"退订{effective}，"
            + one(rng, "当月已收取的功能费不予退还。", "退订当月功能费按整月收取。"),
        ),
        section(
            "退费规则",
            f"客户反映不知情定制的，核实无有效订购记录后，可退还最近{refund_months}个月的功能费。",
        ),
        section("查询已订业务", f"发送{_QUERY_CODE}至{HOTLINE}可查询本号码已订购的全部增值业务。"),
    )
    facts = (
        ("功能费", f"{fee}元/月"),
        ("退订指令", cancel),
        ("退订生效时间", effective),
        ("不知情定制退费期", f"{refund_months}个月"),
    )
    return ArticleDraft(name, "退订指南", paragraphs, facts)


def _one_click(rng: random.Random) -> ArticleDraft:
    code = "QX0000"
    if rng.random() < 0.5:
        notice = "退订后彩铃、云盘等业务中保存的个人内容将在30天后删除。"
        extra = ("个人内容保留期", "30天")
    else:
        notice = "确认短信30分钟内有效，逾期需重新发送。"
        extra = ("确认短信有效期", "30分钟")
    paragraphs = (
        section(
            "业务说明",
            f"一键退订可一次退订本号码全部增值业务（不含套餐、流量包和{BRAND}自有基础功能）。",
        ),
        section(
            "办理方式",
            f"发送{code}至{HOTLINE}，系统回复已订业务清单，客户回复“是”确认后全部退订。",
        ),
        section("注意事项", notice),
    )
    facts = (("一键退订指令", code), extra)
    return ArticleDraft("增值业务 一键退订", "办理指南", paragraphs, facts)


def _unwanted_subscription(rng: random.Random) -> ArticleDraft:
    evidence = ("订购记录", "二次确认记录", "使用记录")
    days = rng.choice((3, 5))
    paragraphs = (
        section(
            "受理范围",
            "客户反映未主动订购却被收取增值业务费用的，按不知情定制投诉受理。",
        ),
        section(
            "核实要点",
            f"客户代表须调取{listing(evidence)}，三项均无法提供的，认定为不知情定制。",
        ),
        section(
            "处理时限",
            f"受理后{days}个工作日内完成核实并答复客户，认定成立的当场办理退订。",
        ),
        section("退费标准", "认定成立的，全额退还该业务已收取的全部费用，退费以话费形式返还。"),
    )
    facts = (
        ("核实材料", listing(evidence)),
        ("处理时限", f"{days}个工作日"),
        ("退费方式", "话费"),
    )
    return ArticleDraft("增值业务 不知情定制", "处理规范", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    *(partial(_service, *service) for service in _SERVICES),
    _one_click,
    _unwanted_subscription,
)

CATEGORY = Category("增值业务退订", _RECIPES)
