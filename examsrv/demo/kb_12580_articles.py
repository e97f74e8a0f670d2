"""Demo articles on the 12580 information service (12580综合信息服务)."""

from __future__ import annotations

import random
from functools import partial

from examsrv.demo.kb_draft import BRAND, ArticleDraft, Category, Recipe, one, section

_SERVICE_NUMBER = "12580"

# service, SMS code, information fee, what the caller gives
_INQUIRIES = (
    ("号码查询", "CXHM", "免费", "单位名称或商户名称"),
    ("航班动态查询", "CXHB", "免费", "航班号"),
    ("火车时刻查询", "CXHC", "免费", "车次或出发、到达城市"),
    ("交通违章查询", "CXWZ", "0.5元/次", "车牌号和发动机号后6位"),
    ("快递查询", "CXKD", "免费", "快递公司和运单号"),
)

# service, service hours, rule sentence, rule label, rule value
_BOOKINGS = (
    (
        "机票预订",
        "7×24小时",
        "出票后2小时内可免费取消，之后按航空公司规定收取退改费。",
        "免费取消时限",
        "2小时",
    ),
    (
        "酒店预订",
        "7×24小时",
        "入住当日18:00前可免费取消，超时未入住的按首晚房费扣款。",
        "免费取消截止",
        "18:00",
    ),
    (
        "餐厅订座",
        "8:00至22:00",
        "可提前3天预订，到店超时15分钟未入座的座位不再保留。",
        "座位保留时间",
        "15分钟",
    ),
    ("电影票预订", "8:00至22:00", "支付成功后15分钟内出票，出票后不可退换。", "出票时限", "15分钟"),
    (
        "景区门票预订",
        "8:00至20:00",
        "最晚需提前1天预订，入园时出示短信验证码即可。",
        "提前预订天数",
        "1天",
    ),
    (
        "医院预约挂号",
        "7:00至21:00",
        "号源提前7天开放，就诊前1天15:00前可免费取消。",
        "号源提前开放天数",
        "7天",
    ),
    (
        "家政服务预约",
        "8:00至20:00",
        "需提前24小时预约，服务人员上门前1小时电话确认。",
        "提前预约时间",
        "24小时",
    ),
    ("代驾服务", "7×24小时", "起步价39元含10公里，超出部分每公里3元。", "起步价", "39元"),
    (
        "鲜花礼品预订",
        "8:00至20:00",
        "同城订单最快4小时送达，节日期间需提前1天预订。",
        "同城送达时间",
        "4小时",
    ),
    (
        "汽车道路救援",
        "7×24小时",
        "城区救援车辆60分钟内到达现场，拖车10公里内免费。",
        "城区到场时限",
        "60分钟",
    ),
)

# service, monthly fee 元, code, daily sending time
_SUBSCRIPTIONS = (
    ("天气预报短信", 3, "TQ", "7:00"),
    ("交通路况短信", 2, "LK", "7:30"),
    ("生活资讯早报", 3, "ZX", "8:00"),
    ("健康养生短信", 2, "JK", "9:00"),
)


def _inquiry(name: str, code: str, fee: str, given: str, rng: random.Random) -> ArticleDraft:
    hours = rng.choice(("7×24小时", "8:00至22:00"))
    fee_text = "信息费免费" if fee == "免费" else f"信息费{fee}"
    paragraphs = (
        section(
            "服务内容",
            f"客户拨打{_SERVICE_NUMBER}提供{given}，话务员即可为客户查询，服务时间{hours}。",
        ),
        section(
            "资费标准",
            f"{fee_text}，通话费按本地通话标准收取，"
            + one(rng, "不收取长途费。", "漫游状态下按漫游资费收取通话费。"),
        ),
        section(
            "短信查询",
            f"发送{code}加查询内容至{_SERVICE_NUMBER}，例如“{code}+{given}”，结果以短信返回。",
        ),
    )
    facts = (("服务时间", hours), ("信息费", fee), ("短信查询指令", code))
    return ArticleDraft(f"12580 {name}", "服务说明", paragraphs, facts)


def _booking(
    name: str, hours: str, rule: str, label: str, value: str, rng: random.Random
) -> ArticleDraft:
    paragraphs = (
        section(
            "服务内容",
            f"客户拨打{_SERVICE_NUMBER}即可办理{name}，服务时间{hours}，"
            + one(rng, "预订结果以短信通知客户。", "话务员确认订单后发送确认短信。"),
        ),
        section("服务规则", rule),
        section(
            "资费说明",
            one(
                rng,
                f"{BRAND}不收取预订服务费，通话费按本地通话标准收取。",
                "预订服务免费，商品或服务费用由客户向商户直接支付，通话费按本地通话收取。",
            ),
        ),
        section(
            "投诉处理",
            "客户对商户服务不满意的，由12580记录后转交合作商户处理，3个工作日内回复客户。",
        ),
    )
    facts = (("服务时间", hours), (label, value), ("投诉回复时限", "3个工作日"))
    return ArticleDraft(f"12580 {name}", "服务说明", paragraphs, facts)


def _subscription(name: str, fee: int, code: str, when: str, rng: random.Random) -> ArticleDraft:
    order, cancel = f"KT{code}", f"QX{code}"
    paragraphs = (
        section("业务简介", f"{name}由12580每天{when}发送至客户手机，内容按客户所在城市定制。"),
        section("资费标准", f"月费{fee}元，首次订购当月免费体验。"),
        section(
            "订购与退订",
            f"发送{order}至{_SERVICE_NUMBER}订购，发送{cancel}至{_SERVICE_NUMBER}退订，"
            + one(rng, "退订次月生效。", "退订立即生效，当月不再收费。"),
        ),
    )
    facts = (
        ("月费", f"{fee}元"),
        ("发送时间", when),
        ("订阅指令", order),
        ("退订指令", cancel),
    )
    return ArticleDraft(f"12580 {name}", "业务说明", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    *(partial(_inquiry, *inquiry) for inquiry in _INQUIRIES),
    *(partial(_booking, *booking) for booking in _BOOKINGS),
    *(partial(_subscription, *subscription) for subscription in _SUBSCRIPTIONS),
)

CATEGORY = Category("12580综合信息服务", _RECIPES)
