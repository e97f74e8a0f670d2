"""Demo articles on 5G services (5G业务)."""

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


def _standalone_network(rng: random.Random) -> ArticleDraft:
    needs = ("支持5G SA的手机", "5G SIM卡", "5G套餐")
    hours = rng.choice((2, 4))
    paragraphs = (
        section(
            "业务简介",
            "5G SA（独立组网）网络时延更低、上行速率更高，支持VoNR高清通话和5G新通话等业务。"
            + one(rng, "目前已覆盖全部地市城区。", "城区及重点乡镇已实现连续覆盖。"),
        ),
        section("开通条件", f"需同时具备{listing(needs)}，三者缺一不可。"),
        section(
            "开通方式",
            f"发送KT5GSA至{HOTLINE}开通，开通后{hours}小时内生效，生效后请重启手机。",
        ),
        section(
            "常见问题",
            one(
                rng,
                "如手机状态栏显示5G但速率偏低，请检查手机“5G SA”开关是否打开。",
                "如开通后仍无法使用，请确认手机系统已升级到最新版本，并在设置中选择“5G优先”。",
            ),
        ),
    )
    facts = (("开通条件", listing(needs)), ("开通指令", "KT5GSA"), ("生效时限", f"{hours}小时"))
    return ArticleDraft("5G SA网络", "开通指南", paragraphs, facts)


def _vonr(rng: random.Random) -> ArticleDraft:
    paragraphs = (
        section(
            "业务简介",
            "VoNR（5G高清通话）让通话直接在5G网络上进行，接通更快，通话时可同时使用5G高速上网。",
        ),
        section(
            "资费标准",
            "VoNR功能免费，通话费用按客户所在套餐的国内主叫资费计算，不另收功能费。",
        ),
        section(
            "开通方式",
            f"发送KTVONR至{HOTLINE}开通，或在{APP}“5G专区”一键开通，"
            + one(rng, "开通后重启手机即可使用。", "开通后约30分钟生效。"),
        ),
        section("使用条件", "需使用支持VoNR的5G手机并已开通5G SA网络，双方均在5G覆盖区域内。"),
    )
    facts = (("功能费", "免费"), ("开通指令", "KTVONR"), ("关联业务", "5G SA网络"))
    return ArticleDraft("VoNR高清通话", "业务说明", paragraphs, facts)


def _messaging(rng: random.Random) -> ArticleDraft:
    text_rate, media_rate = rng.choice((("0.1元/条", "0.3元/条"), ("0.1元/条", "0.5元/条")))
    paragraphs = (
        section(
            "业务简介",
            "5G消息是在短信基础上升级的消息服务，支持文字、图片、音视频和位置等多种内容，"
            "无需安装应用，在手机自带的信息界面即可使用。",
        ),
        section(
            "资费标准",
            f"文本消息按{text_rate}计费，多媒体消息按{media_rate}计费，"
            "与企业服务号之间的交互消息免费。",
        ),
        section(
            "开通与关闭",
            "支持5G消息的手机插入本公司号卡后默认开通；"
            f"如需关闭，发送QX5GXX至{HOTLINE}，关闭后恢复为普通短信。",
        ),
    )
    facts = (
        ("文本消息资费", text_rate),
        ("多媒体消息资费", media_rate),
        ("关闭指令", "QX5GXX"),
    )
    return ArticleDraft("5G消息", "业务说明", paragraphs, facts)


def _new_calling(rng: random.Random) -> ArticleDraft:
    minutes = rng.choice((60, 100))
    paragraphs = (
        section(
            "业务简介",
            "5G新通话在高清视频通话的基础上，提供通话中实时翻译、趣味通话和屏幕共享等功能。",
        ),
        section(
            "资费标准",
            "5G新通话功能免费，视频通话按语音通话时长计费，从套餐内通话分钟数中扣减；"
            f"实时翻译每月免费使用{minutes}分钟，超出部分暂不收费。",
        ),
        section("开通方式", f"发送KTXTH至{HOTLINE}开通，或由客户代表在系统中为客户开通。"),
    )
    facts = (("功能费", "免费"), ("开通指令", "KTXTH"), ("实时翻译免费时长", f"{minutes}分钟"))
    return ArticleDraft("5G新通话", "业务说明", paragraphs, facts)


def _speed_boost(tier: str, fee: int, peak: int, rng: random.Random) -> ArticleDraft:
    order, cancel = f"KTJS{fee}", f"QXJS{fee}"
    paragraphs = (
        section(
            "业务简介",
            f"5G加速包{tier}面向5G套餐客户，订购后在5G网络下享受优先调度，"
            f"下行峰值速率最高可达{peak}Mbps。",
        ),
        section("资费标准", f"月费{fee}元，按自然月收取，当月订购按天折算。"),
        section(
            "办理方式",
            f"发送{order}至{HOTLINE}订购，" + one(rng, "立即生效。", "次月自动续订。"),
        ),
        section("退订方式", f"发送{cancel}至{HOTLINE}退订，退订次月生效。"),
        section(
            "温馨提示",
            one(
                rng,
                "实际速率受终端能力、网络覆盖和用户数量影响。",
                "在4G网络下不提供加速效果，费用照常收取。",
            ),
        ),
    )
    facts = (
        ("月费", f"{fee}元"),
        ("下行峰值速率", f"{peak}Mbps"),
        ("开通指令", order),
        ("退订指令", cancel),
    )
    return ArticleDraft(f"5G加速包 {tier}", "资费说明", paragraphs, facts)


def _cloud_phone(
    tier: str, fee: int, storage: int, devices: int, rng: random.Random
) -> ArticleDraft:
    order = f"KTYSJ{fee}"
    paragraphs = (
        section(
            "产品简介",
            f"5G云手机{tier}把手机应用运行在云端，适合老旧手机流畅运行大型应用和游戏，"
            f"提供云端存储空间{storage}GB。",
        ),
        section(
            "资费标准",
            f"月费{fee}元，可同时在{devices}台设备上登录使用，使用时产生的流量按套餐规则计费。",
        ),
        section(
            "办理方式",
            f"发送{order}至{HOTLINE}，或在{APP}“云手机”页面订购，"
            + one(rng, "订购后下载云手机客户端登录即可。", "开通后凭手机号和短信验证码登录。"),
        ),
    )
    facts = (
        ("月费", f"{fee}元"),
        ("云端存储空间", f"{storage}GB"),
        ("同时登录设备数", f"{devices}台"),
        ("开通指令", order),
    )
    return ArticleDraft(f"5G云手机 {tier}", "资费说明", paragraphs, facts)


def _router(
    model: str, price: int, clients: int, fee: int, data: int, rng: random.Random
) -> ArticleDraft:
    paragraphs = (
        section(
            "产品简介",
            f"{model}支持5G网络接入并转换为WiFi信号，最多可同时连接{clients}台终端，"
            + one(rng, "适合临时办公和租房场景。", "适合没有固定宽带的场所使用。"),
        ),
        section(
            "价格与配套号卡",
            f"设备价格{price}元；需配套办理数据流量卡，月费{fee}元，含国内通用流量{data}GB。",
        ),
        section("售后服务", f"设备自购买之日起保修1年，可到{STORE}办理检测。"),
    )
    facts = (
        ("设备价格", f"{price}元"),
        ("最大连接终端数", f"{clients}台"),
        ("配套流量卡月费", f"{fee}元"),
        ("配套流量", f"{data}GB"),
        ("保修期", "1年"),
    )
    return ArticleDraft(model, "产品说明", paragraphs, facts)


def _home_camera(days: int, fee: int, rng: random.Random) -> ArticleDraft:
    order = f"KTKJ{days}"
    paragraphs = (
        section(
            "业务简介",
            f"{BRAND}云看家是基于5G和家庭宽带的视频看护业务，摄像头画面实时上传云端，"
            f"录像可在云端保存并回看{days}天。",
        ),
        section(
            "资费标准",
            f"月费{fee}元；摄像头可自备，也可按149元/台购买，"
            + one(rng, "每个账号最多绑定4台摄像头。", "每个账号最多绑定6台摄像头。"),
        ),
        section("办理方式", f"发送{order}至{HOTLINE}或在{APP}订购，装维人员预约上门安装。"),
    )
    facts = (("月费", f"{fee}元"), ("摄像头价格", "149元/台"), ("开通指令", order))
    return ArticleDraft(f"云看家 {days}天回看版", "业务说明", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    _standalone_network,
    _vonr,
    _messaging,
    _new_calling,
    partial(_speed_boost, "基础档", 10, 500),
    partial(_speed_boost, "进阶档", 20, 1000),
    partial(_speed_boost, "极速档", 30, 2000),
    partial(_cloud_phone, "标准版", 15, 64, 1),
    partial(_cloud_phone, "畅享版", 30, 128, 2),
    partial(_cloud_phone, "尊享版", 50, 256, 3),
    partial(_router, "通达5G CPE T1", 399, 32, 50, 100),
    partial(_router, "通达5G CPE T2 Pro", 599, 64, 80, 200),
    partial(_router, "通达5G随身WiFi M1", 199, 10, 29, 30),
    partial(_router, "通达5G随身WiFi M2", 299, 16, 39, 60),
    partial(_home_camera, 7, 10),
    partial(_home_camera, 30, 20),
)

CATEGORY = Category("5G业务", _RECIPES)
