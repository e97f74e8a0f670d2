"""Demo articles on suspension, reconnection and closing accounts (停机复机与销户)."""

from __future__ import annotations

import random
from functools import partial

from examsrv.demo.kb_draft import (
    APP,
    HOTLINE,
    STORE,
    ArticleDraft,
    Category,
    Recipe,
    listing,
    one,
    section,
)


def _arrears(payment: str, rng: random.Random) -> ArticleDraft:
    if payment == "预付费":
        one_way = "账户余额低于0元时"
        facts: list[tuple[str, str]] = []
    else:
        due = rng.choice((20, 25))
        one_way = f"每月{due}日前未缴清上月话费时"
        facts = [("缴费截止日", f"每月{due}日")]
    two_way, closing = rng.choice(((15, 90), (30, 90), (30, 60)))
    paragraphs = (
        section(
            "停机规则",
            f"{payment}客户{one_way}，系统停止主叫和上网功能（单向停机）；"
            f"单向停机满{two_way}天仍未缴费的，停止全部通信功能（双向停机）。",
        ),
        section(
            "预销户",
            f"双向停机满{closing}天仍未缴费的，号码转入预销户状态，预销户期满后号码回收。",
        ),
        section(
            "客户代表要点",
            one(
                rng,
                "停机前系统会提前发送余额不足提醒短信，客户称未收到的可查询短信下发记录。",
                "客户缴清欠费后系统自动复机，无需另行申请。",
            ),
        ),
    )
    facts += [("转双向停机", f"{two_way}天"), ("转预销户", f"{closing}天")]
    return ArticleDraft(f"{payment}客户 欠费停机", "业务规则", paragraphs, tuple(facts))


def _reconnect(rng: random.Random) -> ArticleDraft:
    minutes = rng.choice((30, 60))
    paragraphs = (
        section(
            "自动复机",
            f"因欠费停机的号码，缴清欠费后系统在{minutes}分钟内自动恢复通信，无需到厅办理。",
        ),
        section(
            "人工复机",
            f"超过{minutes}分钟仍未复机的，客户代表核实到账情况后提交复机工单，2小时内处理完毕。",
        ),
        section(
            "特殊情况",
            "因涉诈风险被停机的号码，缴费后不能自动复机，须机主本人持身份证件到营业厅办理。",
        ),
    )
    facts = (("自动复机时限", f"{minutes}分钟"), ("复机工单处理时限", "2小时"))
    return ArticleDraft("缴费复机", "处理规范", paragraphs, facts)


def _keep_number(rng: random.Random) -> ArticleDraft:
    fee = rng.choice((3, 5))
    longest = rng.choice((6, 12))
    paragraphs = (
        section("业务说明", "客户短期不使用号码时，可申请停机保号，停机期间号码保留、不能通信。"),
        section(
            "资费标准",
            f"停机保号期间收取保号费{fee}元/月，原套餐月费停止收取。",
        ),
        section(
            "办理规定",
            f"发送TJBH至{HOTLINE}或在{APP}办理，每次停机保号最长{longest}个月，期满自动复机。",
        ),
    )
    facts = (
        ("保号费", f"{fee}元/月"),
        ("最长保号期", f"{longest}个月"),
        ("停机保号指令", "TJBH"),
    )
    return ArticleDraft("停机保号", "办理指南", paragraphs, facts)


def _report_loss(rng: random.Random) -> ArticleDraft:
    days = rng.choice((3, 7))
    paragraphs = (
        section(
            "办理方式",
            f"手机丢失后可拨打{HOTLINE}或登录{APP}办理挂失，需验证服务密码或机主身份信息。",
        ),
        section(
            "挂失效果",
            f"挂失后号码立即停止通信；临时挂失{days}天后自动解挂，补办新卡后挂失自动解除。",
        ),
        section(
            "客户代表要点",
            one(
                rng,
                "客户无法提供服务密码的，可核对近3个月常用联系号码后办理。",
                "提醒客户尽快到营业厅补卡，并修改手机上绑定的支付账户密码。",
            ),
        ),
    )
    facts = (("挂失热线", HOTLINE), ("临时挂失期限", f"{days}天"))
    return ArticleDraft("手机挂失", "办理指南", paragraphs, facts)


def _close_account(rng: random.Random) -> ArticleDraft:
    refund_days = rng.choice((15, 30))
    paragraphs = (
        section(
            "办理条件",
            "号码无欠费、不在合约期内、未参加未到期的优惠活动，方可办理销户。",
        ),
        section(
            "办理渠道",
            f"机主本人持有效身份证件到{STORE}办理，{HOTLINE}热线和{APP}不受理销户。",
        ),
        section(
            "余额退还",
            f"销户后现金余额在{refund_days}个工作日内退至客户提供的银行卡，赠送余额不予退还。",
        ),
        section("号码处理", "销户后号码冻结90天，期满后重新放号。"),
    )
    facts = (
        ("余额退还时限", f"{refund_days}个工作日"),
        ("号码冻结期", "90天"),
        ("办理渠道", STORE),
    )
    return ArticleDraft("个人客户 销户", "办理指南", paragraphs, facts)


# who closes the account, documents required
_PROXY_CASES = (
    ("代办销户", ("代办人身份证件原件", "机主身份证件原件", "机主签字的授权委托书")),
    ("已故机主销户", ("机主死亡证明", "亲属关系证明", "办理人身份证件原件")),
    ("单位客户销户", ("营业执照副本复印件", "经办人身份证件原件", "单位授权书")),
)


def _special_closing(case: str, documents: tuple[str, ...], rng: random.Random) -> ArticleDraft:
    days = rng.choice((3, 5))
    paragraphs = (
        section("所需材料", f"{listing(documents)}，复印件须加盖公章或由办理人签字确认。"),
        section(
            "办理流程",
            f"营业员审核材料后提交销户审批，审批在{days}个工作日内完成，完成后短信通知办理人。",
        ),
        section(
            "余额处理",
            one(
                rng,
                "号码剩余现金余额退还给办理人指定的账户。",
                "剩余现金余额可转入办理人名下的其他号码。",
            ),
        ),
    )
    facts = (("所需材料", listing(documents)), ("审批时限", f"{days}个工作日"))
    return ArticleDraft(case, "办理指南", paragraphs, facts)


def _fraud_suspension(rng: random.Random) -> ArticleDraft:
    hours = rng.choice((24, 48))
    paragraphs = (
        section(
            "停机原因",
            "号码被系统识别为存在涉诈风险的，将暂停通信并短信通知机主。",
        ),
        section(
            "复机要求",
            "机主本人持有效身份证件到营业厅完成二次实名核验，并签署承诺书后方可复机。",
        ),
        section(
            "处理时限",
            f"核验通过后{hours}小时内复机；客户对停机有异议的，可在营业厅提交申诉。",
        ),
    )
    facts = (("复机核验", "二次实名核验"), ("复机时限", f"{hours}小时"))
    return ArticleDraft("涉诈风险 停机", "处理规范", paragraphs, facts)


def _emergency_service(rng: random.Random) -> ArticleDraft:
    hours = rng.choice((24, 48))
    paragraphs = (
        section(
            "业务说明",
            f"因欠费停机、暂时无法缴费的客户可申请紧急开机，开机后可正常通信{hours}小时。",
        ),
        section(
            "办理规定",
            f"发送JJKJ至{HOTLINE}申请，每个号码每月限1次；紧急开机期间产生的费用计入欠费。",
        ),
        section(
            "限制条件",
            one(
                rng,
                "欠费超过信用额度两倍或存在涉诈风险的号码不能申请。",
                "预销户状态的号码不能申请紧急开机。",
            ),
        ),
    )
    facts = (("紧急开机时长", f"{hours}小时"), ("每月申请次数", "1次"), ("紧急开机指令", "JJKJ"))
    return ArticleDraft("欠费停机 紧急开机", "办理指南", paragraphs, facts)


def _restore_number(rng: random.Random) -> ArticleDraft:
    paragraphs = (
        section(
            "恢复条件",
            "号码处于预销户状态、尚未回收的，机主缴清全部欠费后可申请恢复。",
        ),
        section(
            "办理要求",
            f"机主本人持有效身份证件到{STORE}办理，恢复后原套餐和已订业务保持不变，"
            + one(rng, "积分一并恢复。", "预销户期间不收取月费。"),
        ),
        section("处理时限", "营业员提交恢复申请后2小时内恢复通信。"),
    )
    facts = (("恢复前提", "缴清全部欠费"), ("恢复时限", "2小时"))
    return ArticleDraft("预销户号码 恢复", "办理指南", paragraphs, facts)


_RECIPES: tuple[Recipe, ...] = (
    partial(_arrears, "预付费"),
    partial(_arrears, "后付费"),
    _reconnect,
    _keep_number,
    _report_loss,
    _close_account,
    *(partial(_special_closing, case, documents) for case, documents in _PROXY_CASES),
    _fraud_suspension,
    _emergency_service,
    _restore_number,
)

CATEGORY = Category("停机复机与销户", _RECIPES)
