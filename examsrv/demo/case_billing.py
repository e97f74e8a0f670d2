"""Demo cases on billing disputes (账单争议)."""

from __future__ import annotations

from examsrv.demo.case_draft import (
    APP,
    HOTLINE,
    CaseContext,
    CaseDraft,
    Issue,
    Scenario,
    Slip,
    branch,
    money,
)

CATEGORY = "账单争议"

# service, monthly fee 元
_SERVICES = (
    ("视频彩铃", 10),
    ("游戏加速包", 15),
    ("天气预报短信", 3),
    ("音乐会员", 15),
    ("手机阅读包", 5),
    ("来电秀", 6),
)
# how it was ordered, and how the customer answers that
_ORDER_CHANNELS = (
    ("回复短信“是”", "我哪记得回过什么短信？就算回了，短信里也没说清楚要收钱啊！"),
    ("在网页弹窗上点了“确认”", "网页上乱七八糟的弹窗，谁知道点一下就开始收钱了？"),
    ("在一个领红包的链接里点了“领取”", "那个领红包的链接说是免费的啊，怎么就变成收费业务了？"),
)


def _unknown_service(ctx: CaseContext) -> CaseDraft:
    service, fee = ctx.pick(_SERVICES)
    months = ctx.rng.randint(2, 5)
    total = fee * months
    how, retort = ctx.pick(_ORDER_CHANNELS)
    since = f"{ctx.rng.randint(1, 7)}月{ctx.rng.randint(2, 27)}日"
    name, who = ctx.name, ctx.customer.pronoun
    issue = Issue(
        subject=f"这{months}个月的{service}费用",
        remedy=f"退订{service}并提交不知情定制核查",
        wait="3个工作日",
        resolution=f"已退订{service}并提交不知情定制核查，核实后退还{total}元",
        prevent="建议您开通免费的增值业务订购保护，以后订购任何收费业务都要输入短信验证码；"
        "陌生短信让回复“是”、网页上的领取链接，先看清资费再点。",
    )
    opening = ctx.say(
        ctx.by_heat(
            f"你好，我查账单看到每个月都有一笔{fee}块钱的{service}，这是什么？我没订过啊。",
            f"我账单上每个月都扣{fee}块的{service}，都扣了{months}个月了，我根本没订过！",
            f"你们怎么回事？{service}每个月扣我{fee}块，扣了{months}个月，这不是乱扣费吗？",
        ),
        ctx.by_heat("疑惑", "不满", "愤怒"),
        ctx.by_heat(
            "不知道这笔钱是怎么回事，想弄清楚，也不想再被扣",
            "认定自己被乱扣费，想停止扣费并把钱要回来",
            "觉得被运营商坑了钱，要求马上退钱并讨个说法",
        ),
    )
    answer = ctx.answer(
        f"我帮您查了一下，{service}是{since}{how}开通的，每月{fee}元。我现在就帮您退订，"
        "下个月起不会再扣。您说没有订过，我为您提交不知情定制核查，核实后费用会退回您的话费账户。",
        "先查订购记录，用事实回应客户的疑问",
        "马上退订，先止住继续扣费",
        "说明退费要经过核查，不做超出规定的承诺",
    )
    how_opened = branch(
        "追问业务是怎么被开通的",
        ctx.say(retort, "怀疑", "怀疑自己是被诱导开通的，想弄清责任在谁"),
        ctx.reply(
            f"{name}，这类业务订购时应当清楚提示资费，并经您再次确认。您反映没有看到收费提示，"
            "我把这个情况写进核查工单，由业务部门调取当时的订购记录；确认提示不清楚的，费用全额退还。",
            "不否认客户的说法，把争议交给有记录可查的核查环节",
            "说明订购规则，让客户知道自己的权益",
            "讲清核实后的结果，让客户有预期",
        ),
        ctx.close(
            "那就好，你们一定要查清楚。",
            "平静",
            f"{issue.resolution}；核查重点是订购时是否清楚提示资费",
            "觉得有人替自己说话，气消了一大半",
        ),
    )
    refund = branch(
        "追问能退多少、多久到账",
        ctx.say("那钱能全退吗？多久能退回来？", "着急", "最关心钱能不能拿回来"),
        ctx.reply(
            f"核查一般在3个工作日内完成。核实属于不知情定制的，这{months}个月共{total}元"
            "会退到您的话费账户，退费成功后会有短信通知您。",
            "客户最关心钱，直接回答金额和时限",
            "说明退费去向和通知方式，让客户放心",
            "如实说明需要先核查，不把结果说死",
        ),
        ctx.close(
            "行，3个工作日是吧，我记下了。",
            "放心",
            f"{issue.resolution}，退费3个工作日内完成并短信通知",
            "心里有了底，比较满意",
        ),
    )
    others = branch(
        "担心还有其他收费业务",
        ctx.say("我手机上还有没有别的我不知道的收费业务？", "担心", "担心还有别的业务在偷偷扣钱"),
        ctx.reply(
            f"我帮您全部查了一遍，除了{service}，您的号码上没有其他收费的增值业务。"
            "我建议再帮您开通增值业务订购保护，开通后订购收费业务都要短信验证码确认，这个功能免费。",
            "主动排查其他业务，一次解决客户的担心",
            "推荐免费的订购保护，从源头避免再次发生",
            "说明功能免费，打消客户的顾虑",
        ),
        ctx.close(
            "那你帮我开上，省得再被扣。",
            "满意",
            f"{issue.resolution}，并为客户开通了增值业务订购保护",
            "觉得客户代表想得周到，很满意",
        ),
    )
    relative = ctx.one("我爱人", "我妈", "我儿子", "我女儿")
    family = branch(
        "要求顺便查家人的号码",
        ctx.say(
            f"那你顺便帮我查查{relative}的号码，是不是也被扣了这个？",
            "担心",
            f"担心{relative}也被扣了钱，想一次查清楚",
        ),
        ctx.reply(
            f"{name}，为了保护机主的信息安全，其他号码需要机主本人来电或授权后才能查询。"
            f"您可以让家人用自己的手机拨打{HOTLINE}，或者在{APP}登录后查看“已订业务”。",
            "他人号码的信息属于个人隐私，须机主本人查询",
            "给出家人自己查询的简便方法",
            "语气委婉，避免客户觉得被拒绝",
        ),
        ctx.close(
            "哦，那我让家里人自己查一下。",
            "平静",
            f"{issue.resolution}；告知家人号码须机主本人查询",
            "理解了保护隐私的规定，没有不快",
        ),
    )
    return CaseDraft(
        title=f"{service}每月扣费{fee}元",
        background=f"{name}最近查账单，发现每月都有一笔{fee}元的“{service}”费用，"
        f"往前翻已经扣了{months}个月，共{total}元。{who}不记得自己订过这项业务。" + ctx.history(),
        opening=opening,
        answer=answer,
        directions=(how_opened, refund, others, family),
        issue=issue,
        slips=(
            Slip(
                f"系统显示是您自己{how}开通的，这个费用不能退。",
                "没有核实客户的说法就下结论，还直接拒绝退费",
                "认为订购记录就能说明一切",
                "我自己开的？你们的记录就一定对吗？",
            ),
        ),
        demand="退订不知情的增值业务并退还已扣的费用",
    )


_COUNTRIES = ("泰国", "日本", "韩国", "新加坡", "马来西亚", "越南", "澳大利亚")


def _roaming_bill(ctx: CaseContext) -> CaseDraft:
    country = ctx.pick(_COUNTRIES)
    days = ctx.rng.randint(4, 9)
    amount = money(ctx.rng, 180, 860, 10)
    name = ctx.name
    issue = Issue(
        subject=f"这{amount}元的国际漫游流量费",
        remedy="提交漫游话费减免申请",
        wait="2个工作日",
        resolution=f"核实{amount}元漫游流量费按标准资费计收，已提交减免申请",
        prevent=f"出国前在{APP}里先订好目的地的国际漫游流量包，不用时在手机设置里关闭"
        "“数据漫游”；到达后收到的资费提醒短信也请留意一下。",
    )
    opening = ctx.say(
        ctx.by_heat(
            f"你好，我上个月去{country}玩了几天，回来话费多了{amount}块，这是怎么回事？",
            f"我去{country}才{days}天，你们扣了我{amount}块漫游费！怎么这么多？",
            f"你们这是抢钱啊！去趟{country}扣我{amount}块流量费，我根本没怎么用！",
        ),
        ctx.by_heat("疑惑", "不满", "愤怒"),
        ctx.by_heat(
            "不明白费用为什么这么高，想知道是怎么算的",
            "觉得费用高得离谱，想让运营商减免",
            "觉得被坑了，一心想把这笔钱要回来",
        ),
    )
    answer = ctx.answer(
        f"我帮您查了，您在{country}期间没有订国际漫游流量包，产生的流量是按标准资费计费的，"
        f"一共{amount}元。我可以把每天的流量明细给您说一下，您看看是哪几天用得多。",
        "先查清费用的来由，给客户一个明确的说法",
        "用明细说话，让客户自己能核对",
        "不急于说“不能退”，给后面的协商留余地",
    )
    no_sms = branch(
        "质疑没有收到资费提醒",
        ctx.say(
            "我到那边的时候，你们也没提醒我要收这么多钱啊！",
            ctx.by_heat("委屈", "不满", "生气"),
            "觉得运营商没尽到提醒义务，责任不在自己",
        ),
        ctx.reply(
            f"{name}，系统记录显示，您开机落地{country}时给您发过漫游资费提醒短信，"
            "流量费用超过100元时也发过提醒。可能当时您没有注意到，我理解出门在外信息多，很容易漏看。",
            "用系统记录说明已尽提醒义务，态度要平和",
            "体谅客户漏看短信的情况，不指责客户",
            "为后面提出减免申请做好铺垫",
        ),
        ctx.close(
            "唉，那天下飞机确实太忙了，没注意。那你们看能不能减一点吧。",
            "平静",
            f"{issue.resolution}，客户认可已收到提醒短信",
            "知道自己也有疏忽，火气消了",
        ),
    )
    reduce = branch(
        "要求减免漫游费",
        ctx.say(
            ctx.by_heat(
                "这么多钱，能不能给我减免一点？",
                "这钱我不想交，你们给我减了吧！",
                "我不管，这钱你们必须给我免了！",
            ),
            ctx.by_heat("着急", "不满", "愤怒"),
            "觉得这笔钱不该由自己全部承担，想争取减免",
        ),
        ctx.reply(
            f"{name}，减免需要经过审批，我没办法当场答应您。您是首次在境外产生高额流量，"
            "我帮您提交减免申请，写明情况，2个工作日内会有结果，结果出来会短信通知您。",
            "没有审批权限，不能当场承诺减免",
            "首次产生高额流量，可以为客户争取减免",
            "说明时限和通知方式，让客户安心等待",
        ),
        ctx.close(
            "好吧，那你帮我申请，能减多少是多少。",
            "平静",
            f"{issue.resolution}，2个工作日内短信告知审批结果",
            "虽然没能当场减免，但觉得客户代表在帮自己争取",
        ),
    )
    future = branch(
        "询问以后出国怎么办",
        ctx.say(
            "那我下个月还要出差，到时候怎么弄才不会这么贵？", "担心", "担心下次出国再被扣高额费用"
        ),
        ctx.reply(
            f"您出发前在{APP}里订一个目的地的漫游流量包就可以，比如{country}的日包，"
            "每天固定费用，到了当地开机就生效；不用流量时关闭“数据漫游”，就不会产生额外费用。",
            "给出具体的办法，帮客户避免再次产生高额费用",
            "顺带推荐合适的流量包，对客户有实际好处",
        ),
        ctx.close(
            "好的，我出发前就订，谢谢你啊。",
            "感激",
            f"{issue.resolution}，并告知客户出国前订购漫游流量包的办法",
            "学会了避免高额费用的办法，很满意",
        ),
    )
    airplane = branch(
        "坚称手机一直没有上网",
        ctx.say(
            "不可能啊，我手机一直开着飞行模式，只连酒店的Wi-Fi。",
            "怀疑",
            "怀疑计费出错，想证明自己没用流量",
        ),
        ctx.reply(
            f"{name}，明细显示流量主要发生在第{ctx.rng.randint(1, days)}天，"
            "可能是关掉飞行模式的一段时间里，"
            "手机在后台自动更新了软件。我可以把详单发给您，您对照一下时间看看。",
            "用详单上的时间说明流量的来源，让客户自己核对",
            "解释后台自动更新这类常被忽视的情况",
            "语气上不和客户争辩，给客户台阶下",
        ),
        ctx.close(
            "哦……那天在机场好像是关了一会儿。行吧，你把详单发我。",
            "平静",
            f"{issue.resolution}，已将流量详单发给客户核对",
            "明白了流量的来源，不再坚持是计费出错",
        ),
    )
    return CaseDraft(
        title=f"{country}旅行后的{amount}元漫游流量费",
        background=f"{name}上个月去{country}旅行了{days}天，出发前没有订国际漫游流量包。"
        f"回国后收到账单，国际漫游流量费一共{amount}元。" + ctx.history(),
        opening=opening,
        answer=answer,
        directions=(no_sms, reduce, future, airplane),
        issue=issue,
        slips=(
            Slip(
                "您出国前自己没买流量包，这个费用肯定是要交的。",
                "一开口就把责任全推给客户，不给协商余地",
                "想先说明费用合规，避免客户要求减免",
                "我没买流量包就活该被扣这么多？你们就不能提醒一下？",
            ),
        ),
        demand="弄清高额漫游费的来由并争取减免",
    )


def _promo_expired(ctx: CaseContext) -> CaseDraft:
    plan = ctx.one("畅享4G套餐", "悦享5G套餐", "家庭融合套餐")
    base = ctx.pick((58, 78, 98, 128))
    off = ctx.pick((20, 30))
    months = ctx.pick((12, 24))
    name = ctx.name
    issue = Issue(
        subject=f"套餐每月多出来的{off}元",
        remedy="调取当时的业务受理单并请营业厅核实",
        wait="48小时",
        resolution=f"说明{months}个月的{off}元优惠已到期，调取受理单核实当时的承诺",
        prevent=f"以后办理优惠活动时，可以在{APP}“已办业务”里查看活动的到期时间，"
        "到期前我们也会发短信提醒，您留意一下就不会被突然涨价吓一跳了。",
    )
    opening = ctx.say(
        ctx.by_heat(
            f"你好，我的套餐一直是每月{base - off}块，这个月怎么变成{base}了？",
            f"我这个月话费怎么突然多了{off}块？我什么都没改过！",
            f"你们怎么偷偷给我涨价？当初说好每月{base - off}，现在收我{base}！",
        ),
        ctx.by_heat("疑惑", "不满", "愤怒"),
        ctx.by_heat(
            "不明白为什么突然涨价，怀疑是扣错了",
            "觉得运营商没打招呼就涨价，心里不舒服",
            "觉得被骗了，认为运营商故意等自己不注意时涨价",
        ),
    )
    answer = ctx.answer(
        f"我帮您查了，您办的{plan}月费是{base}元，当时参加了减免{off}元的优惠活动，期限{months}个月，"
        f"上个月已经到期，所以这个月恢复成了{base}元。",
        "先讲清费用变化的原因，消除客户“被偷偷涨价”的误会",
        "说明优惠的期限和到期时间，让客户心里有数",
        "只陈述事实，不评判客户当初有没有看清协议",
    )
    store = branch(
        "坚称营业厅说是永久优惠",
        ctx.say(
            "可是营业厅的人当时跟我说，这个优惠是一直有的啊！",
            ctx.by_heat("委屈", "生气", "愤怒"),
            "觉得自己被营业员误导了，想要运营商承担责任",
        ),
        ctx.reply(
            f"{name}，营业厅当时是怎么跟您说的，我这边没办法确认，但您的反映很重要。"
            "我帮您调取当时的业务受理单，并请营业厅核实，48小时内给您回复；如果确实存在误导，会按规定处理。",
            "不否认客户的说法，也不替同事下结论，交给核实",
            "调取书面受理单，以书面约定为准",
            "给出回复时限和处理原则，让客户有预期",
        ),
        ctx.close(
            "行，那你们查清楚，查出来是他们乱说的，这钱得退给我。",
            "不满",
            f"{issue.resolution}，48小时内回复核实结果",
            "仍有些不满，但认可有人在认真核实",
        ),
    )
    cheaper = branch(
        "询问有没有更便宜的套餐",
        ctx.say(
            f"那有没有便宜点的套餐？每月{base}我觉得太贵了。",
            "犹豫",
            "不想多花钱，想找一个更划算的办法",
        ),
        ctx.reply(
            f"我看了您最近三个月的用量，每月大概用{ctx.rng.randint(8, 25)}G流量、"
            f"{ctx.rng.randint(100, 400)}分钟通话。"
            f"改成{base - off - ctx.pick((0, 10))}元档的套餐基本够用，下个月1日生效。"
            "您看要不要换？",
            "按客户的实际用量推荐，而不是推更贵的",
            "说明生效时间，避免客户误以为当月就能降",
            "把决定权留给客户",
        ),
        ctx.close(
            "那就换这个吧，下个月生效就行。",
            "满意",
            f"{issue.resolution}；客户改办更便宜的套餐，次月生效",
            "费用降下来了，觉得客户代表很实在",
        ),
    )
    refund = branch(
        "要求退回多收的钱",
        ctx.say(
            f"那这个月多收的{off}块，你们得退给我。",
            ctx.by_heat("着急", "不满", "愤怒"),
            "觉得多交的钱不合理，至少要把这个月的要回来",
        ),
        ctx.reply(
            f"{name}，按协议优惠到期后就恢复原价，这{off}元我没办法直接给您退。"
            "不过我已经请营业厅核实当时的办理情况，如果确认存在误导，会把差价退还给您。",
            "如实说明规则，不做做不到的承诺",
            "给客户留下通过核实解决的途径",
        ),
        ctx.close(
            "好吧，那我等你们核实的结果。",
            "平静",
            f"{issue.resolution}；确认存在误导的将退还差价",
            "接受了说明，愿意等核实结果",
        ),
    )
    return CaseDraft(
        title=f"{plan}优惠到期后月费涨了{off}元",
        background=f"{name}{months}个月前在营业厅办理了{base}元的{plan}，参加了每月减免{off}元的优惠活动。"
        f"这个月{ctx.customer.pronoun}发现月费从{base - off}元变成了{base}元。" + ctx.history(),
        opening=opening,
        answer=answer,
        directions=(store, cheaper, refund),
        issue=issue,
        slips=(
            Slip(
                "优惠到期了就恢复原价，这个您签协议的时候就应该看清楚。",
                "用指责的口气把责任推给客户",
                "想说明涨价符合协议",
                "我签的时候你们的人说是永久的！现在倒成了我的错？",
            ),
        ),
        demand="弄清月费上涨的原因并追究营业厅的承诺",
    )


def _double_topup(ctx: CaseContext) -> CaseDraft:
    amount = ctx.pick((50, 100, 200))
    payer = ctx.one("微信", "支付宝", "手机银行")
    balance = ctx.rng.randint(1, 9)
    name = ctx.name
    issue = Issue(
        subject=f"重复扣的{amount}元充值款",
        remedy="提交充值异常工单，由支付部门核实后原路退款",
        wait="3个工作日",
        resolution=f"核实第二笔{amount}元充值未入账，已提交工单原路退回",
        prevent="充值时如果页面一直转圈，先别急着重复付款，可以等几分钟查一下余额，"
        f"或者在{APP}的“充值记录”里看看是否到账。",
    )
    opening = ctx.say(
        ctx.by_heat(
            f"你好，我上周用{payer}充了{amount}块话费，扣了两次钱，但余额只多了一次。",
            f"我用{payer}充话费，钱扣了两回，话费只到了一笔，这怎么回事？",
            f"你们怎么搞的？我充{amount}块，扣了我两次，另一笔钱去哪儿了？",
        ),
        ctx.by_heat("疑惑", "着急", "生气"),
        ctx.by_heat(
            "担心多扣的钱拿不回来",
            "怕钱白白丢了，想马上弄清楚",
            "觉得钱被吞了，急着要个说法",
        ),
    )
    answer = ctx.answer(
        f"我帮您查了，那天您的号码只到账了一笔{amount}元。另一笔{payer}显示已扣款、我们这边没有收到，"
        "属于充值异常。我为您提交工单，核实后会原路退回您的支付账户。",
        "先查清哪一笔到账、哪一笔异常，给客户明确的结论",
        "说明钱的去向和退回方式，让客户放心",
        "当场提交工单，不让客户自己去找支付平台",
    )
    when = branch(
        "追问退款多久到账",
        ctx.say("那多久能退回来？", "着急", "担心退款遥遥无期"),
        ctx.reply(
            f"核实后会在3个工作日内原路退回您的{payer}账户，到账会有短信通知。"
            f"如果3个工作日后还没到账，您拨打{HOTLINE}报工单编号，我们会优先处理。",
            "直接回答时限，打消客户的顾虑",
            "说明超时后的办法，让客户知道不会没人管",
        ),
        ctx.close(
            "好，那我等三天看看。",
            "放心",
            f"{issue.resolution}，3个工作日内到账并短信通知",
            "知道钱能回来，放心了",
        ),
    )
    fraud = branch(
        "担心被骗或账号被盗",
        ctx.say("会不会是我手机被人动了手脚，钱被人骗走了？", "慌张", "担心遇到诈骗，账户不安全"),
        ctx.reply(
            f"{name}，您放心，这笔钱是支付过程中的网络异常造成的，不是被盗刷。"
            "钱没有到第三方手里，核实后会原路退回。另外提醒您，任何人向您要验证码都不要给。",
            "客户慌张，先明确告诉客户不是诈骗",
            "顺带做防诈骗提醒，保护客户",
        ),
        ctx.close(
            "那就好，吓我一跳。",
            "放心",
            f"{issue.resolution}，并提醒客户不要泄露验证码",
            "虚惊一场，心里踏实了",
        ),
    )
    urgent = branch(
        "担心余额不足马上停机",
        ctx.say(
            "这事会不会影响我的号码？我这两天等着接工作电话，可不能停机。",
            "焦虑",
            "担心停机误事，比退款本身更着急",
        ),
        ctx.reply(
            f"到账的那笔{amount}元已经在您的账户里，现在余额是{amount + balance}元左右，不会停机。"
            "退款是退回支付账户，不影响您的话费余额。",
            "抓住客户真正担心的事——停机，先给准确答复",
            "说清退款和话费余额是两回事，避免客户误解",
        ),
        ctx.close(
            "那就好，没事了，谢谢啊。",
            "感激",
            f"{issue.resolution}；确认余额充足，不会停机",
            "担心的事落了地，很感激",
        ),
    )
    return CaseDraft(
        title=f"{payer}充值{amount}元被扣款两次",
        background=f"{name}上周用{payer}给手机充值{amount}元，页面一直转圈，{ctx.customer.pronoun}又点了一次。"
        f"结果{payer}扣了两次款，话费余额只增加了一笔。" + ctx.history(),
        opening=opening,
        answer=answer,
        directions=(when, fraud, urgent),
        issue=issue,
        slips=(
            Slip(
                f"您是在{payer}充的，多扣的钱您得去找{payer}。",
                "把客户推给支付平台，没有主动解决",
                "认为扣款发生在第三方，不归自己管",
                "我是给你们充的钱！凭什么让我自己去找？",
            ),
        ),
        demand="追回重复扣款的充值金额",
    )


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("unknown-service", _unknown_service),
    Scenario("roaming-bill", _roaming_bill),
    Scenario("promo-expired", _promo_expired),
    Scenario("double-topup", _double_topup),
)
