"""Demo articles on real-name registration and identity documents (实名登记与证件)."""

from __future__ import annotations

import random
from functools import partial

from examsrv.demo.kb_draft import (
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

# customer group, accepted document, numbers allowed per document
_RESIDENTS = (
    ("个人客户", "居民身份证", 5),
    ("港澳居民", "港澳居民来往内地通行证", 5),
    ("台湾居民", "台湾居民来往大陆通行证", 5),
    ("外籍人士", "外国人永久居留身份证", 2),
)


def _new_line(group: str, document: str, limit: int, rng: random.Random) -> ArticleDraft:
    paragraphs = [
        section(
            "有效证件",
            f"{group}办理入网须出示本人有效的{document}原件，证件须在有效期内。",
        ),
        section(
            "核验要求",
            "营业员须使用二代证读卡器或证件识别仪读取证件信息，并完成人像比对，"
            + one(rng, "比对不通过的不得办理。", "比对结果存档备查。"),
        ),
        section(
            "号码数量",
            f"同一证件在{BRAND}全部渠道累计最多可登记{limit}个号码（不含物联网卡）。",
        ),
    ]
    facts = [("有效证件", document), ("号码上限", f"{limit}个"), ("核验方式", "人像比对")]
    if group == "外籍人士":
        paragraphs.append(
            section("服务期限", "号码服务期限与证件有效期一致，证件到期前30天短信提醒续期。")
        )
        facts.append(("到期提醒", "30天"))
    return ArticleDraft(f"{group} 入网实名登记", "实名规范", tuple(paragraphs), tuple(facts))


def _minor(rng: random.Random) -> ArticleDraft:
    documents = ("户口簿", "监护人身份证件原件")
    paragraphs = (
        section(
            "适用对象",
            "未满16周岁的未成年人入网，须由监护人陪同办理，号码登记在未成年人名下。",
        ),
        section("所需材料", f"{listing(documents)}，营业员须核对监护关系。"),
        section(
            "业务限制",
            one(
                rng,
                "未成年人号码默认关闭国际漫游和增值业务订购功能。",
                "未成年人号码每个证件限办1个，默认开通防沉迷提醒。",
            ),
        ),
    )
    facts = (("年龄界限", "16周岁"), ("所需材料", listing(documents)))
    return ArticleDraft("未成年人 入网", "实名规范", paragraphs, facts)


def _replacement(rng: random.Random) -> ArticleDraft:
    fee = rng.choice((10, 20))
    paragraphs = (
        section(
            "办理要求",
            f"机主本人持有效身份证件到{STORE}办理补换卡，补卡费{fee}元，五星级及以上会员免费。",
        ),
        section("生效规则", "新卡激活后原卡立即失效，号码、套餐和余额保持不变。"),
        section(
            "安全限制",
            "补卡后24小时内，该号码不能办理携号转网、过户和重置服务密码。",
        ),
    )
    facts = (("补卡费", f"{fee}元"), ("安全限制时长", "24小时"), ("原卡状态", "立即失效"))
    return ArticleDraft("补换SIM卡", "办理指南", paragraphs, facts)


def _proxy_replacement(rng: random.Random) -> ArticleDraft:
    documents = ("代办人身份证件原件", "机主身份证件原件", "机主授权书")
    times = rng.choice((2, 3))
    paragraphs = (
        section("所需材料", f"{listing(documents)}，缺一不可。"),
        section(
            "办理限制",
            f"同一号码每年最多代办补卡{times}次，代办时须拨打机主备用联系电话确认。",
        ),
        section("说明", "机主证件仅提供复印件的，不得受理代办补卡。"),
    )
    facts = (("所需材料", listing(documents)), ("每年代办次数", f"{times}次"))
    return ArticleDraft("代办补卡", "办理指南", paragraphs, facts)


def _transfer(rng: random.Random) -> ArticleDraft:
    documents = ("原机主身份证件原件", "新机主身份证件原件")
    paragraphs = (
        section(
            "办理要求",
            f"过户须原机主和新机主双方携带{listing(documents)}同时到{STORE}办理。",
        ),
        section(
            "过户后处理",
            "过户后原号码积分清零，现金余额随号码转移，合约期内的号码不能过户。",
        ),
        section(
            "费用",
            one(rng, "过户手续费免收。", "过户不收取手续费，新机主须重新设置服务密码。"),
        ),
    )
    facts = (("所需材料", listing(documents)), ("积分处理", "清零"), ("余额处理", "随号码转移"))
    return ArticleDraft("号码过户", "办理指南", paragraphs, facts)


def _business(rng: random.Random) -> ArticleDraft:
    documents = ("营业执照副本复印件", "经办人身份证件原件", "单位介绍信")
    limit = rng.choice((50, 100))
    paragraphs = (
        section("所需材料", f"单位客户入网须提供{listing(documents)}，复印件加盖单位公章。"),
        section(
            "号码数量",
            f"每家单位最多登记{limit}个号码，超过的须提交使用人名单并逐一实名登记。",
        ),
        section("使用人登记", "号码实际使用人须在入网后30天内完成使用人实名登记。"),
    )
    facts = (
        ("所需材料", listing(documents)),
        ("单位号码上限", f"{limit}个"),
        ("使用人登记期限", "30天"),
    )
    return ArticleDraft("单位客户 入网实名登记", "实名规范", paragraphs, facts)


def _temporary_id(rng: random.Random) -> ArticleDraft:
    paragraphs = (
        section(
            "适用情形",
            "客户居民身份证正在补办、只持有临时居民身份证的，可凭临时居民身份证办理入网。",
        ),
        section(
            "办理限制",
            "临时居民身份证在有效期内方可受理，凭临时证件每人限办1个号码，"
            + one(rng, "不能办理过户。", "不能办理代办业务。"),
        ),
        section("有效期", "临时居民身份证有效期为3个月，以证件背面标注日期为准。"),
    )
    facts = (("号码上限", "1个"), ("证件有效期", "3个月"))
    return ArticleDraft("临时居民身份证 入网", "实名规范", paragraphs, facts)


def _id_check(rng: random.Random) -> ArticleDraft:
    days = rng.choice((5, 7))
    paragraphs = (
        section(
            "查询方式",
            f"客户发送YZTC至{HOTLINE}，可查询本人证件在{BRAND}登记的全部号码数量。",
        ),
        section(
            "异议处理",
            f"客户对名下号码有异议的，持本人证件到{STORE}提交核查申请，{days}个工作日内答复。",
        ),
        section("处理结果", "核实为冒用证件登记的号码，予以停机并解除与客户证件的关联。"),
    )
    facts = (("查询指令", "YZTC"), ("异议答复时限", f"{days}个工作日"))
    return ArticleDraft("一证通查", "办理指南", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    *(partial(_new_line, *resident) for resident in _RESIDENTS),
    _minor,
    _replacement,
    _proxy_replacement,
    _transfer,
    _business,
    _temporary_id,
    _id_check,
)

CATEGORY = Category("实名登记与证件", _RECIPES)
