"""Demo cases on emotional customers (情绪安抚): fear, grief, helplessness and exasperation."""

from __future__ import annotations

from examsrv.demo.case_draft import (
    APP,
    HOTLINE,
    STORE,
    CaseContext,
    CaseDraft,
    Issue,
    Scenario,
    Slip,
    branch,
)

CATEGORY = "情绪安抚"

_ESCALATIONS = frozenset(
    {"compensate", "distrust", "loyal", "manager", "regulator", "leave", "media"}
)


def _elder_stopped(ctx: CaseContext) -> CaseDraft:
    owed = ctx.rng.randint(3, 28)
    age = ctx.rng.randint(68, 82)
    family = ctx.one("儿子", "女儿", "孙子")
    name = ctx.name
    issue = Issue(
        subject="电话打不出去的事",
        remedy="查清停机原因，尽快恢复通话",
        wait="",
        resolution=f"说明因欠费{owed}元停机，指导缴费后恢复通话",
        prevent="您可以让家里人帮您开通“余额提醒”，话费不够的时候会提前发短信告诉您；"
        "也可以办个银行卡自动交费，每月自动交，就不会停机了。",
    )
    opening = ctx.say(
        ctx.by_heat(
            "喂，姑娘，我这个电话怎么打不出去了？是不是坏了？",
            f"姑娘，我电话打不出去了，我{family}在外地，联系不上我要着急的……",
            f"你们怎么把我电话停了？我一个老人家，{family}又不在身边，有个急事怎么办？",
        ),
        ctx.by_heat("疑惑", "焦虑", "激动"),
        ctx.by_heat(
            "以为手机坏了，不知道该怎么办",
            f"怕{family}联系不上自己着急，心里很慌",
            "觉得被停机很委屈，又怕有急事没法求助",
        ),
    )
    answer = ctx.answer(
        f"电话没有坏。我帮您查了，您的话费欠了{owed}元，所以暂时停机了。只要交上50元，几分钟就能恢复。",
        "老人着急，先告诉老人手机没坏、能恢复，稳住情绪",
        "用简单的话说明停机的原因",
        "直接告诉老人怎么恢复，不绕弯子",
        apologise=False,
    )
    pay = branch(
        "不会用手机交费",
        ctx.say(
            "可我不会用手机交钱啊，那些我都弄不来。", "无助", "担心自己弄不来，又不好意思麻烦别人"
        ),
        ctx.reply(
            f"没关系，{name}，有三个办法：一是到附近的{STORE}，带上钱就能交；"
            f"二是让您{family}在手机上帮您交，告诉他您的号码就行；三是到银行柜台也能交。",
            "老人不会用手机支付，给出简单的线下办法",
            "一条一条慢慢说，让老人记得住",
            "提醒可以请家人代交",
        ),
        ctx.close(
            f"那我让我{family}给我交，他会弄。谢谢你啊姑娘。",
            "感激",
            f"{issue.resolution}；客户的{family}代为缴费后恢复通话",
            "心里的石头落了地，很感激",
        ),
    )
    plan = ctx.pick((28, 38))
    where = branch(
        "不明白钱怎么用得这么快",
        ctx.say("我平时也不怎么打电话，钱怎么用得这么快？", "疑惑", "怀疑钱被乱扣了，又说不清楚"),
        ctx.reply(
            f"我帮您看了，您的套餐每月{plan}元，您每个月打电话不多，用不完。"
            "有一种老年套餐每月18元，更适合您。您可以和家里人商量一下，想换随时打这个电话。",
            "耐心解释钱花在哪里，解开老人的疑惑",
            "按老人的用量推荐便宜的套餐",
            "让老人和家人商量，不催促",
        ),
        ctx.close(
            "哦，原来是这样。那我问问我" + family + "。",
            "平静",
            f"{issue.resolution}；为老人介绍了每月18元的老年套餐",
            "弄明白了钱的去向，心里踏实",
        ),
    )
    urgent = branch(
        "要求先开通打个电话",
        ctx.say(
            f"能不能先让我打个电话？我得跟{family}说一声。",
            "焦虑",
            f"最要紧的是马上联系上{family}",
        ),
        ctx.reply(
            "可以的，您是我们的老用户，我给您办一个临时开机，24小时内能正常打电话。"
            "这期间请您家里人帮您把话费交上。",
            "老人有急事要联系家人，先解决眼前的急需",
            "说明临时开机的期限，提醒按时交费",
        ),
        ctx.close(
            "好好好，那我先给他打电话。",
            "感激",
            f"{issue.resolution}；为老人办理24小时临时开机",
            "马上能联系家人了，非常感激",
        ),
    )
    hearing = branch(
        "听不清，请客户代表说慢点",
        ctx.say("姑娘，你说慢点，我耳朵不好，听不清。", "无助", "想听明白，又怕给人添麻烦"),
        ctx.reply(
            f"好的，{name}，我说慢一点。您的电话没有坏，是没有话费了。交上钱，就能打了。",
            "老人听力不好，放慢语速、简化内容",
            "只重复最关键的一句话，确保老人听明白",
        ),
        ctx.close(
            "哦，没钱了，那我知道了，我这就去营业厅。",
            "平静",
            f"{issue.resolution}；客户代表放慢语速反复说明，老人听明白后去营业厅缴费",
            "觉得客户代表很有耐心，心里不慌了",
        ),
    )
    return CaseDraft(
        title=f"{age}岁老人欠费停机打不出电话",
        background=f"{name}今年{age}岁，一个人住，手机是{family}给办的。今天早上{ctx.customer.pronoun}发现"
        f"电话打不出去了，以为手机坏了。实际是话费欠了{owed}元被停机。",
        opening=opening,
        answer=answer,
        directions=(pay, where, urgent, hearing),
        issue=issue,
        slips=(
            Slip(
                "您欠费了，交了钱自然就开了，这个没什么好说的。",
                "语气生硬，不体谅老人的着急和不懂",
                "想说明停机是因为欠费",
                "你这姑娘怎么说话的？我一个老人哪懂这些！",
            ),
        ),
        demand="尽快恢复通话，联系上家人",
        unfit=_ESCALATIONS - {"manager"},
    )


def _lost_phone(ctx: CaseContext) -> CaseDraft:
    where = ctx.one("地铁上", "出租车上", "商场里", "公交车上")
    minutes = ctx.rng.randint(10, 50)
    name = ctx.name
    issue = Issue(
        subject="手机丢失的事",
        remedy="办理挂失停机",
        wait="",
        resolution="核实机主身份后办理挂失停机",
        prevent="建议您平时给手机设置锁屏密码，再给SIM卡设置PIN码，这样手机丢了，别人也用不了您的号码。",
    )
    opening = ctx.say(
        ctx.by_heat(
            f"你好，我手机刚才在{where}丢了，要怎么办？",
            "我手机丢了！里面绑着银行卡和支付软件，怎么办啊？",
            "我手机被偷了！你们赶紧给我停机！快点！",
        ),
        ctx.by_heat("着急", "慌张", "激动"),
        ctx.by_heat(
            "不知道丢了手机第一步该做什么",
            "怕钱被人转走，慌得不知所措",
            "又急又怕，只想马上堵住损失",
        ),
    )
    answer = ctx.answer(
        "我先帮您办理挂失停机，停机以后别人就不能用您的号码收验证码了。"
        "请您告诉我机主的身份证号码，我核实一下身份。",
        "先挂失停机，堵住最大的风险",
        "挂失前要核实机主身份，防止他人恶意停机",
        "语气放稳，帮客户理清先后顺序",
        apologise=False,
    )
    password = branch(
        "记不起服务密码",
        ctx.say("服务密码？我不记得了，怎么办？", "慌张", "怕因为记不起密码办不了挂失"),
        ctx.reply(
            "没关系，不用服务密码也可以。您说一下身份证号码和最近常联系的三个号码，我核实以后就能挂失。",
            "紧急情况下提供替代的身份核实方式",
            "核实不能省，但方法要简便",
        ),
        ctx.close(
            "好的……已经挂上了？那就好。",
            "放心",
            f"{issue.resolution}（以身份证号码和常用联系人核实身份）",
            "最怕的事被挡住了，松了一口气",
        ),
    )
    card = branch(
        "询问补卡要多久",
        ctx.say("那我补卡要多久？明天上班要用。", "着急", "担心耽误工作"),
        ctx.reply(
            f"挂失以后，您带身份证到任意一家{STORE}就能补卡，当场就能拿到，原来的号码和余额都不变。",
            "回答客户最关心的时间问题",
            "说明所需证件，避免白跑一趟",
        ),
        ctx.close(
            "那我下班就去。",
            "放心",
            f"{issue.resolution}；告知客户到营业厅当场补卡",
            "心里有了安排，不那么慌了",
        ),
    )
    photos = branch(
        "心疼手机里的照片",
        ctx.say("里面还有我孩子从小到大的照片，都没了……", "伤心", "比起手机和钱，更心疼那些回忆"),
        ctx.reply(
            "我能理解，那些照片对您太重要了。号码补回来以后，您试着登录手机的云账号，"
            "看看照片有没有自动备份。另外建议您报警，说明手机丢失的情况。",
            "先回应客户的难过，再给出可能找回的办法",
            "建议报警，保护客户的其他权益",
        ),
        ctx.close(
            "对，我好像开过云备份，我回去试试。谢谢你。",
            "感激",
            f"{issue.resolution}；提醒客户通过云备份找回照片并报警",
            "看到了找回照片的希望，情绪平复下来",
        ),
    )
    bank = branch(
        "担心银行卡被盗刷",
        ctx.say("那我的银行卡、支付软件怎么办？", "慌张", "怕钱被转走"),
        ctx.reply(
            "号码挂失以后，请您马上给银行打电话冻结手机银行，再改一下支付软件的密码，这几件事越快越好。",
            "提醒客户处理其他账户，减少损失",
            "按轻重缓急给出先后顺序",
        ),
        ctx.close(
            "好，我挂了电话马上打给银行。",
            "平静",
            f"{issue.resolution}；指导客户冻结手机银行、修改支付密码",
            "知道下一步该做什么，慌乱平息了",
        ),
    )
    return CaseDraft(
        title=f"手机在{where.removesuffix('上').removesuffix('里')}丢失急需挂失",
        background=f"{name}{minutes}分钟前在{where}发现手机不见了。手机里绑着银行卡和支付软件，"
        f"还存着很多家人的照片，{ctx.customer.pronoun}借了同事的电话打进来。",
        opening=opening,
        answer=answer,
        directions=(password, card, photos, bank),
        issue=issue,
        slips=(
            Slip(
                "挂失要机主本人带身份证到营业厅办理。",
                "紧急情况下不提供热线挂失，耽误客户止损",
                "按常规流程办理",
                "我手机都丢了，现在怎么去营业厅？出了事你们负责吗？",
            ),
        ),
        demand="尽快挂失号码，保住账户安全",
        unfit=_ESCALATIONS,
    )


_TOPICS = (
    (
        "宽带移机",
        f"宽带移机可以在{APP}上预约，新地址有网络覆盖的话，3个工作日内师傅上门，移机不收费。",
        "原来在APP上就能办，早说嘛。",
    ),
    (
        "开发票",
        f"话费发票可以在{APP}的“发票管理”里开电子发票，选好月份，几分钟就能发到您的邮箱。",
        "这么简单，我自己就能开。",
    ),
    (
        "号码过户",
        f"过户需要原机主和新机主带着身份证，一起到{STORE}办理，当场就能办好。",
        "好，我约上我姐一起去。",
    ),
)


def _transferred(ctx: CaseContext) -> CaseDraft:
    topic, explanation, thanks = ctx.pick(_TOPICS)
    times = ctx.rng.randint(2, 4)
    minutes = ctx.rng.randint(20, 50)
    name = ctx.name
    issue = Issue(
        subject=f"{topic}的问题",
        remedy=f"把{topic}的问题一次办好",
        wait="24小时",
        resolution=f"不再转接，由客户代表一次解答并办理{topic}",
        prevent=f"以后有类似的问题，您可以先看看{APP}的“常见问题”，很多业务在APP上就能自己办。",
    )
    opening = ctx.say(
        ctx.by_heat(
            f"你好，我这个问题已经被转了{times}次了，能不能一次帮我说清楚？",
            f"我已经被转了{times}次了！每个人都让我重新说一遍！",
            f"我打了{minutes}分钟了，转来转去，你们到底有没有人能管？",
        ),
        ctx.by_heat("不耐烦", "生气", "愤怒"),
        ctx.by_heat(
            "对来回转接不满，只想尽快把事办完",
            "觉得被踢皮球，耐心已经耗尽",
            "觉得自己的时间被践踏，火气很大",
        ),
    )
    answer = ctx.answer(
        f"您被转了{times}次，每次还要重新说一遍，真的很抱歉。这次我不会再转走，您的问题我从头跟到尾。"
        f"我看了前面同事的记录，您是想问{topic}的事，对吗？",
        "先为多次转接道歉，认可客户的委屈",
        "承诺不再转接，由自己负责到底",
        "看记录主动复述问题，不让客户再说一遍",
        apologise=False,
    )
    promise = branch(
        "要求保证不再转接",
        ctx.say(
            "你能保证不再把我转走吗？",
            "怀疑",
            "被转怕了，需要一个明确的承诺",
        ),
        ctx.reply(
            "能的。如果有需要后台处理的部分，我来提交工单，并且亲自给您回电话告诉您结果，您不用再打进来。",
            "给出明确的承诺，消除客户的担心",
            "说明后台处理时由自己回电，承诺要做得到",
        ),
        ctx.close(
            "好，那就麻烦你了。",
            "平静",
            f"{issue.resolution}，客户代表承诺全程负责",
            "终于有人接住了，火气消了",
        ),
    )
    report = branch(
        "要投诉前面转接的人",
        ctx.say(
            "前面那几个人我要投诉，一问三不知，就知道转！",
            ctx.by_heat("不满", "生气", "愤怒"),
            "想为受的气讨个说法",
        ),
        ctx.reply(
            "您的意见我记下了，会反馈给质检部门调听录音，看看转接是不是有必要，"
            "这对我们改进服务很重要。您的问题我也马上给您处理。",
            "接受客户的意见，不替同事辩解",
            "说明意见的去向，让客户觉得没白说",
            "不在投诉上纠缠，尽快回到客户的问题",
        ),
        ctx.close(
            "行，你们是该好好改改了。",
            "平静",
            f"{issue.resolution}；客户对转接的意见反馈质检",
            "意见被认真对待，心里舒服了些",
        ),
    )
    answer_topic = branch(
        f"回到{topic}的问题",
        ctx.say(f"对，就是{topic}，到底怎么办？", "不耐烦", "只想赶紧听到答案"),
        ctx.reply(
            explanation,
            "直接给出答案，不再绕弯子",
            "说清办理渠道和时限，让客户一次就能办好",
        ),
        ctx.close(
            thanks,
            "满意",
            f"{issue.resolution}",
            "问题一次解决，觉得这通电话没白打",
        ),
    )
    return CaseDraft(
        title=f"询问{topic}被转接{times}次",
        background=f"{name}想问{topic}的事，打进热线后先后被转接了{times}次，每次都要重新说明情况，"
        f"已经等了{minutes}分钟。" + ctx.history(),
        opening=opening,
        answer=answer,
        directions=(promise, report, answer_topic),
        issue=issue,
        slips=(
            Slip(
                f"{topic}不归我们这边管，我帮您转到专席。",
                "再一次转接，让客户重复等待",
                "认为专席处理更专业",
                f"又转？！我都被转了{times}次了！",
            ),
        ),
        demand="不再被转来转去，一次把问题办好",
        unfit=frozenset({"loyal", "compensate"}),
    )


def _bereaved(ctx: CaseContext) -> CaseDraft:
    relative = ctx.one("父亲", "母亲", "爱人")
    balance = ctx.rng.randint(12, 180)
    pronoun = {"父亲": "他", "母亲": "她"}.get(relative) or ctx.one("他", "她")
    name = ctx.name
    issue = Issue(
        subject=f"{relative}的号码怎么处理",
        remedy=f"办理{relative}号码的过户或销户",
        wait="",
        resolution=f"告知{relative}号码过户或销户的办法和材料",
        prevent="",
    )
    opening = ctx.say(
        ctx.by_heat(
            f"你好，我{relative}上个月去世了，{pronoun}的手机号要怎么处理？",
            f"我{relative}走了，号码还在扣月租，我该怎么办……",
            f"我{relative}都走了，你们还天天给这个号码发催费短信！",
        ),
        ctx.by_heat("伤心", "无助", "激动"),
        ctx.by_heat(
            "刚失去亲人，只想把后事一件件办妥",
            "沉浸在悲伤里，面对琐事有些无力",
            "催费短信一次次揭开伤口，悲伤变成了愤怒",
        ),
    )
    comfort = f"{name}，" if not ctx.soothe else f"{name}，请您节哀。"
    sorry = "这些短信又让您难过了，真的很抱歉，催费提醒我马上给您停掉。" if ctx.heat == 3 else ""
    answer = ctx.reply(
        f"{comfort}{sorry}您{relative}的号码可以销户，也可以过户到您的名下继续使用。"
        f"需要带上死亡证明、亲属关系证明和您的身份证，到{STORE}办理，欠下的月租可以申请减免。",
        "客户刚失去亲人，先表达慰问，语气要轻",
        "一次说清可选的办法和所需材料",
        "主动提出欠费减免，体谅客户的处境",
    )
    keep = branch(
        "想留住这个号码",
        ctx.say(
            "我不想让这个号码被别人用，里面有好多亲戚朋友的联系。", "伤心", "想留住和亲人有关的念想"
        ),
        ctx.reply(
            "我理解。您可以把号码过户到您的名下，号码就一直留着；平时不常用的话，"
            "可以改成每月8元的保号套餐，花费很少。",
            "理解客户想留住念想的心情",
            "给出既能保留号码又省钱的办法",
        ),
        ctx.close(
            "那就过户到我名下吧，谢谢你。",
            "感激",
            f"{issue.resolution}；客户决定过户保留号码，改为保号套餐",
            "留住了念想，心里得到一些安慰",
        ),
    )
    trip = branch(
        "不想再跑营业厅",
        ctx.say(
            "还要跑营业厅吗？这段时间要办的事太多了，我实在没精力。", "无助", "身心疲惫，怕多跑一趟"
        ),
        ctx.reply(
            f"需要到营业厅办一次。我帮您在{APP}上预约好，到店不用排队；要带的材料我发短信给您，"
            "保证去一次就能办好。",
            "体谅客户的疲惫，尽量减少奔波",
            "一次说清所需材料，避免白跑",
        ),
        ctx.close(
            "好，那你帮我约这周六吧。",
            "平静",
            f"{issue.resolution}；为客户预约到店办理，材料已短信发送",
            "感到被体谅，少了一些负担",
        ),
    )
    money = branch(
        "询问号码里的余额",
        ctx.say(f"{pronoun}号码里好像还有些话费，怎么办？", "平静", "想把亲人留下的事一件件理清"),
        ctx.reply(
            f"我查了，号码里还有{balance}元余额。如果办理销户，可以退给您；如果过户，余额会一起转到您的名下。",
            "把余额的两种去向说清楚",
            "语气平和，不催促客户做决定",
        ),
        ctx.close(
            "知道了，我想好了再去办。",
            "平静",
            f"{issue.resolution}；说明{balance}元余额可退还或随号码过户",
            "事情理清楚了，心里平静了些",
        ),
    )
    return CaseDraft(
        title=f"为去世的{relative}处理手机号码",
        background=f"{name}的{relative}上个月因病去世。{relative}的手机号码还在扣月租，"
        "最近还收到了催费短信，"
        f"{ctx.customer.pronoun}打电话来问怎么处理。",
        opening=opening,
        answer=answer,
        directions=(keep, trip, money),
        issue=issue,
        slips=(
            Slip(
                "机主本人不能来的话，需要提供死亡证明，材料不全是办不了的。",
                "冷冰冰地讲规定，没有一句慰问",
                "想把办理要求讲清楚",
                "我爸都走了，你就不能好好说话吗？",
            ),
        ),
        demand="妥善处理去世亲人的号码",
        unfit=_ESCALATIONS | {"prevent"},
    )


_FAKE_SMS = (  # the text, and what it is known as
    ("您的号码因实名信息不全，将于今日停机，请点击链接补登记", "实名补登记"),
    ("您的积分即将清零，请点击链接兑换现金", "积分兑换现金"),
    ("您的话费扣费异常，请点击链接办理退费", "扣费异常退费"),
)


def _fraud_sms(ctx: CaseContext) -> CaseDraft:
    sms, known_as = ctx.pick(_FAKE_SMS)
    name = ctx.name
    issue = Issue(
        subject="那条可疑短信的事",
        remedy="查清号码有没有异常，并登记诈骗短信举报",
        wait="24小时",
        resolution="确认短信不是官方发送，检查号码无异常，指导客户防范和止损",
        prevent=f"我们的官方短信只从{HOTLINE}发出，不会让您点链接填银行卡或验证码；"
        f"拿不准的短信，直接打{HOTLINE}问一下。",
    )
    opening = ctx.say(
        ctx.by_heat(
            f"你好，我收到一条短信，说“{sms}”，是你们发的吗？",
            f"我收到你们的短信，说“{sms}”，我点了，还填了东西，不会出事吧？",
            "我按你们短信里的链接填了银行卡，现在卡里的钱被转走了！你们要负责！",
        ),
        ctx.by_heat("担心", "慌张", "激动"),
        ctx.by_heat(
            "拿不准短信的真假，怕上当",
            "意识到可能上当了，非常害怕",
            "钱被骗走，又急又气，把责任算在运营商头上",
        ),
    )
    if ctx.heat == 3:
        text = (
            "您先马上拨打110报警，再给银行打电话冻结这张卡，越快越好。那条短信不是我们发的，"
            f"我们的官方短信只从{HOTLINE}发出，也从来不让客户填银行卡。"
        )
        reasons = (
            "客户已经被骗，第一时间指导报警和冻结，减少损失",
            "说明短信不是官方发送，但不和客户争论责任",
            "语气沉稳，让慌乱的客户有主心骨",
        )
    else:
        text = (
            f"这条短信不是我们发的。我们的官方短信只从{HOTLINE}发出，"
            "也从来不会让您点链接填银行卡。您先别再点、别再填，我帮您看看号码有没有异常。"
        )
        reasons = (
            "先明确告诉客户短信是假的，防止继续上当",
            "说明分辨官方短信的方法",
            "主动检查号码，让客户安心",
        )
    answer = ctx.answer(text, *reasons, apologise=False)
    filled = branch(
        "担心已经泄露了银行卡信息",
        ctx.say("可我已经填了银行卡号，还有验证码……", "慌张", "怕钱已经被转走"),
        ctx.reply(
            "请您马上给银行打电话冻结这张卡，修改支付密码；如果已经被扣了钱，拨打110报警。"
            "我这边查了，您的号码没有补卡，也没有设置呼叫转移，是安全的。",
            "指导客户立刻止损，按轻重缓急说清步骤",
            "告诉客户号码安全，减轻客户的恐慌",
        ),
        ctx.close(
            "好，我马上给银行打电话。",
            "平静",
            f"{issue.resolution}；指导客户冻结银行卡",
            "知道该怎么做了，慌乱平息下来",
        ),
    )
    leak = branch(
        "怀疑运营商泄露了信息",
        ctx.say(
            "他们怎么知道我的号码？是不是你们泄露的？",
            ctx.by_heat("怀疑", "怀疑", "愤怒"),
            "怀疑个人信息是从运营商这里泄露的",
        ),
        ctx.reply(
            f"{name}，这类诈骗短信大多是用伪基站或者群发设备乱发的，不一定知道您的个人信息。"
            "您要是担心，我帮您登记信息安全投诉，由专门的部门调查，24小时内联系您。",
            "正面回应客户的怀疑，不辩解、不回避",
            "说明诈骗短信常见的来源",
            "给客户一个调查的途径",
        ),
        ctx.close(
            "那你帮我登记一下吧。",
            "平静",
            f"{issue.resolution}；为客户登记信息安全投诉",
            "怀疑还没完全打消，但觉得有人在管",
        ),
    )
    tell = branch(
        "询问以后怎么分辨真假短信",
        ctx.say("那以后我怎么知道短信是真是假？", "担心", "怕以后再上当"),
        ctx.reply(
            f"记住两点就行：一是我们的官方短信只从{HOTLINE}发出；二是凡是让您点链接填银行卡、"
            f"说验证码的，都是诈骗。拿不准的，直接打{HOTLINE}问。",
            "把分辨方法归纳成好记的几条",
            "给客户一个随时可以求证的渠道",
        ),
        ctx.close(
            "好，我记住了，谢谢你。",
            "感激",
            f"{issue.resolution}；教会客户分辨官方短信",
            "学会了防骗的办法，很感激",
        ),
    )
    block = branch(
        "要求处理发诈骗短信的号码",
        ctx.say("那个发短信的号码你们能不能封了？", "不满", "想让骗子受到惩罚"),
        ctx.reply(
            "您可以把这条短信转发到12321举报，我也帮您开通垃圾短信拦截，类似的短信以后会被拦下来。",
            "告诉客户正规的举报渠道",
            "用拦截功能保护客户以后不受骚扰",
        ),
        ctx.close(
            "好，我这就转发举报。",
            "满意",
            f"{issue.resolution}；为客户开通垃圾短信拦截并告知举报渠道",
            "觉得自己也能做点什么，心里痛快了些",
        ),
    )
    return CaseDraft(
        title=f"收到“{known_as}”诈骗短信",
        background=f"{name}收到一条冒充{ctx.one('通达移动', '运营商')}的短信：“{sms}”。"
        + ctx.by_heat(
            f"{ctx.customer.pronoun}拿不准真假，打电话来问。",
            f"{ctx.customer.pronoun}已经点开链接填了些信息，越想越害怕。",
            f"{ctx.customer.pronoun}按链接填了银行卡信息，卡里的钱随即被转走。",
        ),
        opening=opening,
        answer=answer,
        directions=(filled, leak, tell, block) if ctx.heat < 3 else (leak, tell, block),
        issue=issue,
        slips=(
            Slip(
                "这不是我们发的短信，您被骗了得去找警察，我们管不了。",
                "只撇清责任，不关心客户的损失和安全",
                "想说明短信与运营商无关",
                "我都这样了，你就一句“管不了”？",
            ),
        ),
        demand="弄清短信真假，保住自己的钱和账户",
        unfit=frozenset({"loyal", "leave", "compensate"}),
    )


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("elder-stopped", _elder_stopped, elderly=True),
    Scenario("lost-phone", _lost_phone),
    Scenario("transferred", _transferred),
    Scenario("bereaved", _bereaved, levels=(1, 3)),
    Scenario("fraud-sms", _fraud_sms),
)
