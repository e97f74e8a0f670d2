"""Demo articles on home broadband (家庭宽带)."""

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

# bandwidth in M, monthly fee 元
_SPEEDS = ((100, 30), (300, 50), (500, 80), (1000, 100), (2000, 150))


def _install_terms(rng: random.Random) -> tuple[str, str]:
    hours = rng.choice((24, 48))
    return f"{hours}小时", f"受理后{hours}小时内预约上门安装，农村地区可延长至72小时。"


def _monthly(speed: int, fee: int, rng: random.Random) -> ArticleDraft:
    install, install_text = _install_terms(rng)
    setup = rng.choice((100, 120))
    paragraphs = (
        section(
            "产品介绍",
            f"{speed}M家庭宽带包月版按月付费，" + one(rng, "适合租房客户。", "无需一次性预付。"),
        ),
        section(
            "资费标准",
            f"月费{fee}元，带宽{speed}M；首次装机收取调测费{setup}元，光猫免费借用。",
        ),
        section("装机时限", install_text),
        section(
            "办理方式",
            f"到{STORE}或在{APP}“宽带专区”提交装机地址，系统自动查询是否具备光纤覆盖。",
        ),
        section("温馨提示", "包月宽带可随时申请拆机，拆机当月按整月收费，光猫需归还。"),
    )
    facts = (
        ("月费", f"{fee}元"),
        ("调测费", f"{setup}元"),
        ("上门安装时限", install),
    )
    return ArticleDraft(f"{speed}M家庭宽带 包月版", "资费说明", paragraphs, facts)


def _yearly(speed: int, fee: int, rng: random.Random) -> ArticleDraft:
    install, install_text = _install_terms(rng)
    months = rng.choice((10, 11))
    price = fee * months
    paragraphs = (
        section(
            "产品介绍",
            f"{speed}M家庭宽带包年版一次性缴纳12个月费用，相当于只付{months}个月月费。",
        ),
        section(
            "资费标准",
            f"年费{price}元，带宽{speed}M；包年客户免收调测费，"
            + one(rng, "赠送千兆光猫一台。", "赠送智能组网路由器一台。"),
        ),
        section("装机时限", install_text),
        section(
            "到期续费",
            "到期前30天以短信提醒续费；到期未续费的，自动转为同速率包月资费。",
        ),
    )
    facts = (
        ("年费", f"{price}元"),
        ("上门安装时限", install),
        ("续费提醒", "30天"),
    )
    return ArticleDraft(f"{speed}M家庭宽带 包年版", "资费说明", paragraphs, facts)


def _fttr(rooms: int, fee: int, rng: random.Random) -> ArticleDraft:
    fee_text = f"{fee}元/月"
    paragraphs = (
        section(
            "产品介绍",
            f"FTTR全屋光纤组网把光纤铺设到每个房间，{rooms}房间版含主光猫1台、"
            f"从光猫{rooms - 1}台，实现全屋千兆WiFi覆盖。",
        ),
        section(
            "资费标准",
            f"在千兆宽带基础上加收{fee_text}，需签订24个月协议；"
            + one(rng, "设备免费借用，拆机时归还。", "设备不另收费，协议到期后归客户所有。"),
        ),
        section("施工说明", "施工时间约2小时，采用隐形光纤沿墙角布线，无需破墙。"),
    )
    facts = (
        ("加收费用", fee_text),
        ("从光猫数量", f"{rooms - 1}台"),
        ("协议期", "24个月"),
        ("施工时间", "2小时"),
    )
    return ArticleDraft(f"FTTR全屋光纤 {rooms}房间版", "资费说明", paragraphs, facts)


def _relocation(rng: random.Random) -> ArticleDraft:
    fee = rng.choice((50, 100))
    paragraphs = (
        section("受理条件", "新地址需在本公司光纤覆盖范围内，且宽带账户无欠费。"),
        section(
            "收费标准",
            f"移机收取调测费{fee}元；包年客户每个协议期内可免费移机1次。",
        ),
        section(
            "办理流程",
            f"客户拨打{HOTLINE}或在{APP}提交新地址，资源核查通过后48小时内上门，"
            "原地址设备由装维人员一并拆回。",
        ),
    )
    facts = (("移机费", f"{fee}元"), ("免费移机次数", "1次"), ("上门时限", "48小时"))
    return ArticleDraft("家庭宽带 移机", "办理指南", paragraphs, facts)


def _repairs(rng: random.Random) -> ArticleDraft:
    town, village = rng.choice(((24, 48), (12, 36)))
    paragraphs = (
        section(
            "报修渠道",
            f"拨打{HOTLINE}按提示转宽带报修，或在{APP}“宽带报修”提交，系统自动生成装维工单。",
        ),
        section(
            "修复时限",
            f"城区故障{town}小时内修复，农村地区{village}小时内修复；"
            "因光缆中断等重大故障另行公告。",
        ),
        section(
            "客户代表要点",
            one(
                rng,
                "先指导客户重启光猫并检查网线，仍无法解决再派单。",
                "先核实账户是否欠费停机，再查询所在区域是否有批量故障公告。",
            ),
        ),
        section("超时补偿", "非客户原因超时未修复的，按每超时1天减免1天月费。"),
    )
    facts = (
        ("报修热线", HOTLINE),
        ("城区修复时限", f"{town}小时"),
        ("农村修复时限", f"{village}小时"),
    )
    return ArticleDraft("家庭宽带 故障报修", "处理规范", paragraphs, facts)


def _termination(rng: random.Random) -> ArticleDraft:
    devices = ("光猫", "机顶盒", "遥控器")
    days = rng.choice((3, 5))
    paragraphs = (
        section(
            "办理要求",
            f"宽带拆机需机主本人持有效身份证件到{STORE}办理，协议期内拆机需缴纳违约金。",
        ),
        section(
            "设备归还",
            f"拆机时需归还{listing(devices)}，光猫未归还的按200元赔偿。",
        ),
        section("办理时限", f"受理后{days}个工作日内完成拆机，拆机当月按整月收费。"),
    )
    facts = (
        ("需归还设备", listing(devices)),
        ("光猫赔偿", "200元"),
        ("拆机时限", f"{days}个工作日"),
    )
    return ArticleDraft("家庭宽带 拆机", "办理指南", paragraphs, facts)


def _upgrade(rng: random.Random) -> ArticleDraft:
    channels = (APP, f"{HOTLINE}热线", STORE)
    paragraphs = (
        section(
            "业务说明",
            f"{BRAND}家庭宽带客户可随时提升带宽，提速不改变原协议期。"
            f"可通过{listing(channels)}申请提速。",
        ),
        section(
            "生效时间",
            one(
                rng,
                "提速在受理后24小时内生效，如需更换千兆光猫由装维人员上门更换。",
                "提速在受理后24小时内生效，生效后请重启光猫。",
            ),
        ),
        section("费用", "提速当月按新旧资费差额按天折算，次月起按新资费收取。"),
    )
    facts = (("生效时限", "24小时"), ("可办理渠道", listing(channels)))
    return ArticleDraft("家庭宽带 提速", "办理指南", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    *(partial(_monthly, speed, fee) for speed, fee in _SPEEDS),
    *(partial(_yearly, speed, fee) for speed, fee in _SPEEDS),
    partial(_fttr, 2, 30),
    partial(_fttr, 3, 50),
    partial(_fttr, 4, 70),
    _relocation,
    _repairs,
    _termination,
    _upgrade,
)

CATEGORY = Category("家庭宽带", _RECIPES)
