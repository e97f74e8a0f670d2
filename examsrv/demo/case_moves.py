"""Follow-up directions any case can take, and the lines of voice cases.

A *move* is a direction the customer may take after any answer: ask how to avoid the problem,
want a written confirmation, demand compensation, ask for a manager, threaten to complain to
the regulator… Each is written for an :class:`Issue`, so it fits every scenario; harder moves
only appear from a minimum level on, which is how higher levels get angrier customers and
trickier considerations.

The voice lines are what a recording adds to a written case: a flawed answer (:class:`Slip`)
that angers the customer, the apology that recovers from it, or the words that calm an angry
caller before the problem is explained.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from examsrv.demo.case_draft import HOTLINE, Branch, CaseContext, Issue, Slip, branch

Build = Callable[[CaseContext, Issue], Branch]


@dataclass(frozen=True)
class Move:
    """A generic direction; ``needs_wait`` when its lines quote the issue's waiting time."""

    name: str
    min_level: int
    build: Build
    needs_wait: bool = False


def _prevent(ctx: CaseContext, issue: Issue) -> Branch:
    ask = ctx.say(
        ctx.by_heat(
            "那以后怎么做才能避免这种情况？",
            "那以后怎么避免？我可不想再碰上这种事。",
            "以后还会不会再出这种事？你们能保证吗？",
        ),
        ctx.by_heat("疑惑", "担心", "怀疑"),
        "担心同样的问题再次发生，想要一个长久的办法",
    )
    reply = ctx.reply(
        f"{ctx.name}，{issue.prevent}",
        "客户担心问题再发生，给出具体可操作的办法",
        "把预防的方法讲清楚，帮客户建立长期的信任",
    )
    close = ctx.close(
        ctx.one("好的，我知道了，谢谢你。", "明白了，以后我注意。", "行，这样我就放心了。"),
        "放心",
        f"{issue.resolution}，并告知客户今后避免同类问题的办法",
        "心里踏实了，觉得客户代表考虑得长远",
    )
    return branch("询问以后如何避免同类问题", ask, reply, close)


def _confirm(ctx: CaseContext, issue: Issue) -> Branch:
    ask = ctx.say(
        ctx.by_heat(
            "你说的这些，能不能发个短信给我？",
            "口说无凭，你能不能给我发个短信确认一下？",
            "你们电话里说得好听，到时候不认账怎么办？给我发短信！",
        ),
        ctx.by_heat("担心", "怀疑", "不满"),
        "不放心口头答复，想要一个能留存的凭证",
    )
    reply = ctx.reply(
        f"可以的，{ctx.name}。我这边受理后，系统会马上给您发短信，里面有工单编号和处理时限，"
        f"{issue.wait}内会有专人联系您，您也可以凭工单编号拨打{HOTLINE}查询进度。",
        "给客户一个可留存的凭证，消除口说无凭的顾虑",
        "告知工单编号和时限，方便客户自己跟进",
    )
    close = ctx.close(
        ctx.one("行，那我等短信。", "好，收到短信我就放心了。"),
        "放心",
        f"{issue.resolution}，并以短信告知工单编号和处理时限",
        "心里有底，觉得处理有保障",
    )
    return branch("要求短信确认处理结果", ask, reply, close)


def _compensate(ctx: CaseContext, issue: Issue) -> Branch:
    ask = ctx.say(
        ctx.by_heat(
            "这事耽误了我不少时间，你们有没有什么补偿？",
            "我为这事折腾了好几天，你们就没点补偿？",
            "我为这事耽误了多少工夫？你们必须给个说法，该赔的要赔！",
        ),
        ctx.by_heat("不满", "生气", "愤怒"),
        "觉得自己受了损失，想得到补偿，也想看看公司是否重视",
    )
    reasons = [
        "一线没有补偿审批权限，不能当场承诺，避免承诺落空引发二次投诉",
        "如实记录客户的诉求并提交审核，让客户看到事情在推进",
        "先表达歉意，认可客户受到的影响",
    ]
    if ctx.level >= 4:
        reasons.insert(1, "按规定补偿须经值班经理审批，口头说出的金额可能与审批结果不一致")
    reply = ctx.reply(
        f"{ctx.name}，给您添了这么多麻烦，非常抱歉。补偿的事我没办法当场答应您具体金额，"
        "但我会把您的情况如实记录，提交值班经理审核，48小时内给您答复。",
        *reasons,
    )
    calm = ctx.heat < 3
    close = ctx.close(
        "好吧，那你帮我提交吧。" if calm else "行，我等着，要是没个说法我还会再打来。",
        "平静" if calm else "不满",
        f"{issue.resolution}；另提交补偿申请，由值班经理审核后答复",
        "认可客户代表没有随口承诺，愿意等待结果" if calm else "火气消了一些，但对补偿仍保留意见",
    )
    return branch("要求补偿损失", ask, reply, close)


def _distrust(ctx: CaseContext, issue: Issue) -> Branch:
    ask = ctx.say(
        ctx.by_heat(
            "你们说会处理，真的会有人管吗？",
            "你们每次都说会处理，最后都不了了之，我凭什么信你？",
            "你别跟我来这套！上次也说处理，结果呢？根本没人管！",
        ),
        ctx.by_heat("怀疑", "怀疑", "愤怒"),
        "对以往的处理失去信任，怀疑这次又是敷衍",
    )
    job = ctx.rng.randint(1000, 9899)
    reply = ctx.reply(
        f"{ctx.name}，您的顾虑我理解。这次我为您{issue.remedy}，{issue.wait}内会有结果。"
        "我在工单里注明由我跟进，到时候没有结果，"
        f"您报我的工号{job}就能查到处理记录。",
        "客户对以往的处理失去信任，用具体的时限和责任人重建信任",
        "给出可以查询的凭据，让客户有追踪的途径",
        "不辩解以往的问题，把重点放在这次怎么做",
    )
    close = ctx.close(
        f"好，{job}是吧，我记下了，到时候没处理好我就找你。",
        "平静",
        f"{issue.resolution}，客户代表留下工号并承诺跟进",
        "半信半疑，但愿意再给一次机会",
    )
    return branch("怀疑处理只是敷衍", ask, reply, close)


def _loyal(ctx: CaseContext, issue: Issue) -> Branch:
    years = ctx.rng.choice((8, 10, 12, 15, 18))
    ask = ctx.say(
        ctx.by_heat(
            f"我用了{years}年的老号码了，怎么还会碰上这种事？",
            f"我都用了{years}年的老号码了，就这待遇？新用户倒是什么优惠都有。",
            f"我在你们这儿用了{years}年！你们就是这么对待老用户的？",
        ),
        ctx.by_heat("委屈", "不满", "愤怒"),
        "觉得自己作为老用户没有被重视，心里不平衡",
    )
    reply = ctx.reply(
        f"{ctx.name}，感谢您{years}年来对我们的支持。我查了一下，您是五星级会员，"
        f"以后来电可以走会员专属通道优先接入。您的问题我马上为您{issue.remedy}，给您加急处理。",
        "认可老用户的贡献，回应客户被冷落的感受",
        "介绍客户已有的会员权益，让客户感受到被重视",
        "不和客户比较新老用户的政策，避免引发争论",
    )
    close = ctx.close(
        ctx.one("这还差不多，那你赶紧帮我处理吧。", "行，你们心里有老用户就好。"),
        "平静",
        f"{issue.resolution}，并告知客户会员专属服务权益",
        "觉得被当回事了，心里舒服了一些",
    )
    return branch("抱怨老用户不受重视", ask, reply, close)


def _manager(ctx: CaseContext, issue: Issue) -> Branch:
    ask = ctx.say(
        ctx.by_heat(
            "这事你做得了主吗？要不让你们领导来跟我说。",
            "你解决不了就让你们领导来跟我说！",
            "我不跟你说了，叫你们领导来！",
        ),
        ctx.by_heat("怀疑", "不耐烦", "愤怒"),
        "觉得普通客服分量不够，想找能拍板的人",
    )
    reply = ctx.reply(
        f"{ctx.name}，这件事我会负责跟进到底。如果您希望由值班经理联系您，我现在就为您登记，"
        f"值班经理会在2小时内给您回电；同时我这边继续为您{issue.remedy}，不会耽误。",
        "尊重客户要求上级处理的权利，不推脱也不硬拦",
        "说明升级后的回电时限，让客户知道下一步",
        "强调问题处理同步进行，避免客户以为升级就要重新等待",
    )
    close = ctx.close(
        "那行，让你们经理尽快给我打电话。",
        "平静",
        f"{issue.resolution}；已登记由值班经理2小时内回电",
        "觉得受到重视，情绪缓和下来",
    )
    return branch("要求领导出面处理", ask, reply, close)


def _regulator(ctx: CaseContext, issue: Issue) -> Branch:
    ask = ctx.say(
        ctx.by_heat(
            "如果你们处理不好，我可以去哪儿投诉？",
            "你们再这样拖，我就去工信部投诉你们！",
            "我现在就去工信部投诉，看你们怎么办！",
        ),
        ctx.by_heat("怀疑", "生气", "激动"),
        "想用向主管部门申诉来施压，逼运营商尽快解决",
    )
    reply = ctx.reply(
        f"{ctx.name}，向通信管理局申诉是您的权利，我不会阻拦。但我更希望先在这里把问题解决好："
        f"我现在就为您{issue.remedy}，按加急处理，{issue.wait}内给您明确答复。"
        "如果到时您仍不满意，我们也会配合您的申诉。",
        "尊重客户申诉的权利，不能阻拦或威胁客户",
        "把精力放在解决问题上，用加急处理争取客户的信任",
        "说明后续还有申诉途径，让客户感到被尊重",
        "不与客户争执，防止矛盾升级为越级投诉",
    )
    close = ctx.close(
        "那我先等你们的答复，不行我再去申诉。",
        "平静",
        f"{issue.resolution}，已按加急处理，并告知客户申诉渠道",
        "情绪缓和，暂时不去申诉，但还在观望",
    )
    return branch("扬言向主管部门申诉", ask, reply, close)


def _leave(ctx: CaseContext, issue: Issue) -> Branch:
    ask = ctx.say(
        ctx.by_heat(
            "要是一直这样，我就考虑换运营商了。",
            "再这样我就携号转网，不在你们这儿用了！",
            "我明天就去携号转网！你们这种服务谁还敢用？",
        ),
        ctx.by_heat("不满", "生气", "愤怒"),
        "用离网施压，其实还是希望问题被认真解决",
    )
    reply = ctx.reply(
        f"{ctx.name}，您的号码用了这么多年，我们非常珍惜。您的问题我这就为您{issue.remedy}；"
        "如果处理完您还是决定携号转网，我们也会按规定为您办理，不会设置任何障碍。",
        "挽留客户要靠解决问题，而不是阻拦携转",
        "明确不设携转障碍，符合携号转网的规定",
        "肯定客户的老用户身份，缓和情绪",
    )
    close = ctx.close(
        "先看你们怎么处理吧。",
        "犹豫",
        f"{issue.resolution}，客户暂不携号转网",
        "对处理态度有所认可，走不走看结果再定",
    )
    return branch("扬言携号转网", ask, reply, close)


def _media(ctx: CaseContext, issue: Issue) -> Branch:
    ask = ctx.say(
        ctx.by_heat(
            "我在网上看到好多人也遇到这种事，你们就不管管？",
            "我已经把这事发到网上了，你们不解决，我就找媒体曝光！",
            "我已经联系了电视台的记者，你们等着上新闻吧！",
        ),
        ctx.by_heat("不满", "愤怒", "激动"),
        "想借舆论施压，觉得只有闹大了才有人重视",
    )
    reply = ctx.reply(
        f"{ctx.name}，非常抱歉让您对我们这么失望。您的问题我已经按加急工单上报，"
        f"值班经理会在1小时内联系您，我这边也马上为您{issue.remedy}。您在网上反映的情况我们也会认真对待。",
        "涉及媒体曝光的投诉须第一时间上报值班经理",
        "不指责客户发帖，也不要求客户删帖，避免激化矛盾",
        "给出更短的回电时限，体现重视程度",
        "先致歉，降低客户的对立情绪",
    )
    close = ctx.close(
        "行，我等你们经理的电话，解决了我自然会更新帖子。",
        "平静",
        f"{issue.resolution}；已按媒体曝光风险加急上报，值班经理1小时内回电",
        "感到被重视，愿意等待处理结果",
    )
    return branch("扬言找媒体曝光", ask, reply, close)


MOVES: tuple[Move, ...] = (
    Move("prevent", 1, _prevent),
    Move("confirm", 1, _confirm, needs_wait=True),
    Move("compensate", 2, _compensate),
    Move("distrust", 2, _distrust, needs_wait=True),
    Move("loyal", 2, _loyal),
    Move("manager", 3, _manager),
    Move("regulator", 4, _regulator, needs_wait=True),
    Move("leave", 4, _leave),
    Move("media", 5, _media),
)


# Voice cases ------------------------------------------------------------------------------

# Flawed answers that fit any problem.
GENERIC_SLIPS: tuple[Slip, ...] = (
    Slip(
        "这个是系统自动处理的，我们这边也没有办法。",
        "推卸责任，没有给客户任何解决办法",
        "认为问题出在系统，不是自己能处理的",
        "什么叫没有办法？那我打这个电话干什么？",
    ),
    Slip(
        "公司规定就是这样的，我也没有办法。",
        "机械地搬出规定，不体谅客户的处境",
        "想用规定说服客户，尽快结束争论",
        "规定规定，你们的规定就是用来坑人的吗？",
    ),
    Slip(
        "您先听我说完好吗？这个我刚才已经解释过了。",
        "语气不耐烦，打断客户，让客户觉得不被尊重",
        "想尽快把规则讲完",
        "你这是什么态度？我问清楚一点都不行吗？",
    ),
    Slip(
        "这个热线处理不了，您自己去营业厅问吧。",
        "把客户推到其他渠道，没有尽力在热线解决",
        "觉得营业厅当面核实更方便",
        "我上班哪有时间跑营业厅？你们热线是干什么的？",
    ),
)

# How a CSR calms an angry caller: the line, the techniques it shows, its reasons.
SOOTHING: tuple[tuple[str, tuple[str, str]], ...] = (
    (
        "{name}，真的很抱歉，遇到这种事换作是我也会着急。您放心，这件事我来负责帮您处理。",
        ("先道歉并认同客户的感受", "表明会亲自负责处理"),
    ),
    (
        "{name}，您说的情况我都记下了。我跟您确认一下，您是说{subject}有问题，对吗？",
        ("耐心听客户说完，不打断", "复述客户的问题，确认理解无误"),
    ),
    (
        "{name}，您别急，慢慢说，我一直在听。给您添了这样的麻烦，真的很抱歉。",
        ("放慢语速，用温和的语气回应", "先道歉并认同客户的感受"),
    ),
)

RECOVERIES: tuple[tuple[str, tuple[str, str]], ...] = (
    (
        "{name}，对不起，是我刚才没说清楚，语气也不好，向您道歉。您的问题我一定认真帮您处理。",
        ("主动道歉，承认自己刚才的不当", "表明会认真负责处理"),
    ),
    (
        "{name}，刚才是我的不对，我向您道歉。您别急，我先把{subject}的情况仔细帮您查清楚。",
        ("主动道歉，承认自己刚才的不当", "把话题拉回到解决问题上"),
    ),
)

# What a CSR should not do to calm a caller: wrong options of "how did she calm the customer".
BAD_TECHNIQUES = (
    "反复强调公司规定",
    "打断客户，急于解释原因",
    "答应客户提出的所有要求",
    "让客户自己去营业厅处理",
    "提高音量压过客户",
    "转移话题，推荐新业务",
)

SOFTENED = (
    ("……行吧，那你赶紧帮我看看到底怎么回事。", "不满"),
    ("好吧，我就是想知道{subject}到底怎么回事。", "着急"),
    ("嗯……那你说吧，我听着。", "平静"),
)
