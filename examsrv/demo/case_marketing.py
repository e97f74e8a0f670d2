"""Demo cases on marketing offers (营销推荐): recommending honestly, and respecting a no."""

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

CATEGORY = "营销推荐"


def _more_data(ctx: CaseContext) -> CaseDraft:
    use = ctx.rng.randint(22, 38)
    packs = -(-(use - 10) // 5)  # 10元 for each 5GB top-up beyond the 10GB in the plan
    extra = packs * 10
    new, new_quota = (59, 30) if use <= 30 else (79, 50)
    save = 38 + extra - new
    name = ctx.name
    issue = Issue(
        subject="每个月流量不够用的问题",
        remedy="按实际用量找一个更划算的方案",
        wait="",
        resolution=f"按客户每月约{use}GB的用量推荐{new}元{new_quota}GB套餐，每月约省{save}元",
        prevent=f"以后用量有变化，您可以在{APP}的“套餐推荐”里按最近三个月的用量比较一下，"
        "选最合适的档位。",
    )
    opening = ctx.say(
        ctx.by_heat(
            "你好，我每个月流量都不够用，老要买加油包，有没有划算点的办法？",
            "我流量每个月都不够，你们是不是就想让我一直买加油包？",
            "我每个月光加油包就买好几次，你们的套餐就是设计好了坑人的吧？",
        ),
        ctx.by_heat("疑惑", "怀疑", "不满"),
        ctx.by_heat(
            "想找一个省钱的办法",
            "怀疑运营商故意让自己多花钱，但也想省钱",
            "觉得自己一直在被多收钱，心里有气",
        ),
    )
    answer = ctx.answer(
        f"我看了您最近三个月的用量，每月平均用{use}GB，套餐里只有10GB，每月另外买加油包花{extra}元，"
        f"加上38元月费一共{38 + extra}元。"
        f"如果改成{new}元、{new_quota}GB的套餐，每月能省{save}元左右，"
        "下个月1号生效。",
        "按客户的真实用量算账，让推荐有依据",
        "把新旧方案的花费对比清楚，让客户自己判断",
        "说明生效时间，避免客户误以为当月就变",
    )
    contract = branch(
        "担心要签合约被绑定",
        ctx.say(
            "换了以后是不是要签合约？以后想换回来还能换吗？",
            "戒备",
            "怕被合约绑住，以后不好变",
        ),
        ctx.reply(
            "这个套餐不需要签合约，以后想改，每个月都可以申请，次月生效。",
            "打消客户被绑定的顾虑",
            "如实说明变更规则",
        ),
        ctx.close(
            "那行，给我换吧。",
            "满意",
            f"{issue.resolution}；客户改办新套餐，次月生效",
            "省了钱又没被绑定，很满意",
        ),
    )
    video = ctx.pick((9, 15))
    cheaper = branch(
        "询问有没有更省钱的办法",
        ctx.say(
            "有没有更便宜的？我主要就是刷短视频。",
            "犹豫",
            "想在不多花钱的前提下解决问题",
        ),
        ctx.reply(
            f"如果流量主要用在短视频上，也可以不换套餐，订一个{video}元的短视频定向流量包。"
            "不过定向流量只能在指定的几个APP里用，其他APP还是用套餐里的流量。",
            "按客户的使用习惯给出更省钱的选择",
            "讲清定向流量的限制，不夸大",
        ),
        ctx.close(
            "那我先订个定向包试试。",
            "满意",
            f"{issue.resolution}；客户选择先订{video}元短视频定向流量包",
            "觉得客户代表真心帮自己省钱",
        ),
    )
    perk = ctx.one("视频会员", "每月100分钟亲情通话", "宽带半价")
    perks = branch(
        "关心原套餐的权益会不会没了",
        ctx.say(
            f"我现在套餐送的{perk}，换了以后还有吗？",
            "担心",
            "怕换套餐丢了现在的好处",
        ),
        ctx.reply(
            f"{name}，您现在的{perk}是跟着老套餐的，换套餐后就取消了。"
            f"算上这部分，换不换您可以再掂量一下，我把两个方案的对比发到您手机上。",
            "主动说明换套餐会失去的权益，不隐瞒",
            "让客户在知情的情况下做决定",
            "把对比资料发给客户，方便考虑",
        ),
        ctx.close(
            "那我再想想，回头自己在APP上办。",
            "平静",
            f"说明换套餐后{perk}会取消，客户自行考虑是否改办",
            "觉得客户代表没有隐瞒，信得过",
        ),
    )
    family = branch(
        "表示要跟家人商量",
        ctx.say("我得跟家里人商量一下。", "犹豫", "不想当场做决定，也可能是委婉拒绝"),
        ctx.reply(
            f"没问题，我把两个方案的对比发到您手机上，您商量好了在{APP}上就能办，也可以再打{HOTLINE}。",
            "尊重客户的决定，不催促",
            "给客户留好资料和办理途径",
        ),
        ctx.close(
            "好，发过来我看看。",
            "平静",
            f"{issue.resolution}；方案对比已短信发给客户",
            "没有被催着办理，感觉很舒服",
        ),
    )
    return CaseDraft(
        title=f"每月用{use}GB流量，套餐只有10GB",
        background=f"{name}用的是38元、10GB的套餐，最近三个月平均每月用{use}GB流量，"
        f"每月都要另外买{packs}次加油包。"
        + ("" if ctx.heat < 3 else "上次客服推荐的方案没能解决问题。"),
        opening=opening,
        answer=answer,
        directions=(contract, cheaper, perks, family),
        issue=issue,
        slips=(
            Slip(
                "您直接换最贵的199元套餐吧，流量随便用，省心。",
                "不看客户的用量就推高价套餐",
                "想一次解决流量不够的问题，顺便完成营销指标",
                "我一个月就用二三十G，你让我交199？你们就知道推销！",
            ),
        ),
        demand="找一个更划算的流量方案",
        unfit=frozenset({"compensate", "media"}),
    )


def _broadband_offer(ctx: CaseContext) -> CaseDraft:
    current = ctx.pick((58, 79, 99))
    new = current + ctx.pick((30, 40, 50))
    months = ctx.pick((12, 24))
    name = ctx.name
    issue = Issue(
        subject="免费升级千兆宽带的活动",
        remedy="把活动条件逐条说清，并用短信发给您",
        wait="",
        resolution=f"讲清免费升级千兆宽带须改办{new}元融合套餐、合约{months}个月",
        prevent="以后收到优惠短信，先看清楚办理条件，有疑问随时打电话问清楚再办。",
    )
    opening = ctx.say(
        ctx.by_heat(
            "你好，我收到你们的短信，说我可以免费升级千兆宽带，是真的吗？",
            "你们短信说免费升级千兆宽带，不会又是什么套路吧？",
            "你们天天发短信说免费升级宽带，我邻居办了，结果每月多交好几十！这不是骗人吗？",
        ),
        ctx.by_heat("疑惑", "戒备", "生气"),
        ctx.by_heat(
            "有兴趣，但想确认是不是真的免费",
            "对“免费”心存戒备，怕上当",
            "觉得营销短信在误导人，想揭穿",
        ),
    )
    answer = ctx.answer(
        f"短信里说的是真实的活动。免费升级的条件是把您现在{current}元的套餐改成{new}元的融合套餐，"
        f"合约期{months}个月；升级本身不收安装费，光猫也免费提供。",
        "先把活动的前提条件讲清楚，不隐瞒",
        "用具体的数字说明要多花多少钱",
        "让客户在知情的前提下选择",
    )
    fees = branch(
        "追问有没有隐藏收费",
        ctx.say(
            "还有没有别的收费？比如调测费、押金什么的。",
            "戒备",
            "怕办了以后冒出各种额外费用",
        ),
        ctx.reply(
            "没有别的费用。只有一点提醒您：千兆网速需要千兆的路由器，家里如果是老路由器，"
            "可能跑不满千兆，换不换由您决定，我们不强制购买。",
            "把可能的额外花费一次说清楚",
            "不强制搭售设备",
        ),
        ctx.close(
            "行，这样说我就清楚了，我考虑考虑。",
            "平静",
            f"{issue.resolution}，并说明可能需要更换路由器",
            "觉得讲得透明，没有被套路",
        ),
    )
    rival = branch(
        "拿别家宽带作比较",
        ctx.say(
            "我家里还有一条别家的宽带，你们比他们好在哪？",
            "犹豫",
            "在两家之间比较，想听听对方怎么说",
        ),
        ctx.reply(
            "每家的情况不一样，我不方便评价别的运营商。我们的融合套餐是宽带、手机流量和通话一起算，"
            "您可以把两边每月一共花多少钱、网速多少对比一下再决定。",
            "不贬低竞争对手",
            "客观介绍自己产品的特点",
            "把选择权留给客户",
        ),
        ctx.close(
            "嗯，我回去算一算。",
            "平静",
            f"{issue.resolution}；客户回去对比两家的费用",
            "对客户代表不说别人坏话印象不错",
        ),
    )
    cards = ctx.pick((2, 3))
    family = branch(
        "询问家人的号码能否加入",
        ctx.say(
            "我爸妈的号码能不能也加进来一起用？",
            "疑惑",
            "想顺便把家人的费用也省下来",
        ),
        ctx.reply(
            f"可以的，融合套餐最多能加{cards}张副卡，每张副卡每月10元，共享套餐里的流量和通话。"
            f"加副卡需要机主本人在{APP}上操作，或者带身份证到{STORE}办理。",
            "回答客户的问题，把规则和费用说清楚",
            "说明办理渠道和所需证件，免得客户白跑",
        ),
        ctx.close(
            "这个挺好，我周末去营业厅一起办。",
            "满意",
            f"{issue.resolution}；客户计划连同家人副卡一起办理",
            "觉得方案对全家都划算，很满意",
        ),
    )
    return CaseDraft(
        title=f"营销短信“免费升级千兆宽带”的条件（{current}元套餐）",
        background=f"{name}家里用的是{current}元的套餐加百兆宽带。{ctx.customer.pronoun}收到一条营销短信，"
        "说可以“免费升级千兆宽带”，于是打电话来问。",
        opening=opening,
        answer=answer,
        directions=(fees, rival, family),
        issue=issue,
        slips=(
            Slip(
                "您放心办，绝对没有任何额外费用。",
                "话说得太满，隐瞒了要改套餐、签合约的条件",
                "想让客户尽快下决心办理",
                "没有额外费用？那为什么我邻居每月多交好几十？你说清楚！",
            ),
        ),
        demand="弄清免费升级宽带有没有附加条件",
        unfit=frozenset({"compensate", "media", "manager"}),
    )


def _call_pack(ctx: CaseContext) -> CaseDraft:
    base = ctx.pick((38, 58))
    over = ctx.rng.randint(180, 420)
    fee = round(over * 0.15)
    pack, mins = (10, 200) if over <= 250 else (20, 500)
    name = ctx.name
    issue = Issue(
        subject="话费偏高的问题",
        remedy="查清话费构成，找一个省钱的办法",
        wait="",
        resolution=f"查明话费偏高是通话超出{over}分钟，推荐{pack}元{mins}分钟通话包",
        prevent=f"您可以在{APP}里设置话费提醒，通话快超出套餐的时候会短信提醒您。",
    )
    opening = ctx.say(
        ctx.by_heat(
            "你好，帮我查一下这个月话费怎么这么多？",
            f"我这个月话费怎么又{base + fee}块了？",
            f"你们又扣我这么多！{base + fee}块，到底怎么扣的？",
        ),
        ctx.by_heat("疑惑", "不满", "生气"),
        ctx.by_heat(
            "想知道钱花在了哪里",
            "觉得话费一直偏高，想弄明白",
            "怀疑被乱扣费，要求说清楚",
        ),
    )
    answer = ctx.answer(
        f"我帮您查了，这个月话费{base + fee}元，其中套餐费{base}元，另外通话超出套餐{over}分钟，"
        f"按每分钟0.15元收了{fee}元。您每个月通话都超出不少，如果加一个{pack}元{mins}分钟的通话包，"
        f"每月能省{fee - pack}元左右。",
        "先把费用构成说清楚，回应客户的疑问",
        "发现客户多花钱，顺势给出省钱的建议",
        "用省下的金额说话，让建议有说服力",
    )
    pushy = branch(
        "怀疑客户代表在推销",
        ctx.say(
            "你们是不是又想推销什么东西？",
            ctx.by_heat("戒备", "怀疑", "不满"),
            "对推销很反感，担心又被忽悠",
        ),
        ctx.reply(
            f"{name}，只是看到您每个月多花了钱，给您提个建议，办不办完全由您决定。"
            "不办的话，以后通话多的月份留意一下就行。",
            "尊重客户，明确不是强推",
            "不办也给客户一个实用的提醒",
        ),
        ctx.close(
            "那我先不办了，谢谢你提醒。",
            "平静",
            "说明话费构成；客户暂不办理通话包",
            "没有被强推，对客户代表有好感",
        ),
    )
    cancel = branch(
        "询问办了以后怎么取消",
        ctx.say("办了以后不想要了怎么取消？", "犹豫", "怕办了就退不掉"),
        ctx.reply(
            f"随时可以在{APP}或者发短信退订，次月生效，没有合约期。",
            "把退订的方法讲清楚，打消顾虑",
            "如实说明生效规则",
        ),
        ctx.close(
            "那可以，给我办一个吧。",
            "满意",
            f"{issue.resolution}；客户确认办理，次月生效",
            "觉得划算又没风险，很满意",
        ),
    )
    agree = branch(
        "同意办理通话包",
        ctx.say("那你帮我办了吧。", "平静", "被省钱说服了，愿意尝试"),
        ctx.reply(
            "好的，我给您发一条确认短信，您回复“是”就办理成功，下个月1号开始生效。",
            "办理前要客户本人确认，保证是客户的真实意愿",
            "说明生效时间，避免当月产生误会",
        ),
        ctx.close(
            "好，我回了。",
            "满意",
            f"{issue.resolution}；客户短信确认办理",
            "问题弄清楚了还省了钱，很满意",
        ),
    )
    return CaseDraft(
        title=f"话费{base + fee}元，通话超出{over}分钟",
        background=f"{name}用的是{base}元的套餐，这个月话费{base + fee}元，"
        f"{ctx.customer.pronoun}觉得偏高，"
        "打电话来查询。" + ("客户最近几个月话费一直偏高。" if ctx.level >= 3 else ""),
        opening=opening,
        answer=answer,
        directions=(pushy, cancel, agree),
        issue=issue,
        slips=(
            Slip(
                "您这个月打电话太多了，超出的就是要收费。",
                "只说客户用得多，不帮客户想办法",
                "想说明费用没有扣错",
                "我打电话多还怪我了？你们就不会提醒一下？",
            ),
        ),
        demand="弄清话费偏高的原因，少花冤枉钱",
        unfit=frozenset({"compensate", "media", "manager"}),
    )


def _downgrade(ctx: CaseContext) -> CaseDraft:
    current = ctx.pick((128, 158, 199))
    use = ctx.rng.randint(6, 15)
    fit = 39 if use <= 10 else 59
    name = ctx.name
    issue = Issue(
        subject="降套餐的事",
        remedy="办理降档",
        wait="",
        resolution=f"为客户办理套餐降档，从{current}元降到客户选定的档位，次月生效",
        prevent=f"以后想调整套餐，您也可以直接在{APP}的“套餐变更”里自己操作，不用等人工。",
    )
    opening = ctx.say(
        ctx.by_heat(
            "你好，我想把套餐改成便宜点的。",
            "我要降套餐，你们别再劝我了，上次就被你们劝住了。",
            "我要降套餐！每次打电话你们都推三阻四，今天必须给我降！",
        ),
        ctx.by_heat("平静", "不耐烦", "愤怒"),
        ctx.by_heat(
            "觉得现在的套餐用不完，想省钱",
            "怕又被劝说挽留，先把话说在前头",
            "觉得运营商故意阻拦降档，憋了一肚子气",
        ),
    )
    answer = ctx.answer(
        f"可以的，降档下个月1号生效。我看您最近每月用{use}GB左右，{fit}元那档就够用；"
        "最便宜的是8元保号套餐，但只有0.5GB流量，超出按量计费，可能反而多花钱。您看改哪一档？",
        "先明确答应可以办理，不设障碍",
        "按客户的用量提示风险，避免降档后反而多花钱",
        "把选择权交给客户",
    )
    suspicion = branch(
        "怀疑客户代表不想让降",
        ctx.say(
            "你说这么多，是不是不想让我降？",
            ctx.by_heat("怀疑", "不耐烦", "愤怒"),
            "把提醒当成了挽留的套路",
        ),
        ctx.reply(
            f"不是的，{name}，降档是您的权利，您定了哪一档我现在就给您办。刚才只是怕您降得太低，"
            "下个月流量不够反而多交钱。",
            "明确表态不阻拦，马上可以办理",
            "解释提醒的用意，消除误会",
        ),
        ctx.close(
            f"那就改{fit}的吧。",
            "平静",
            f"为客户把套餐从{current}元降到{fit}元，次月生效",
            "顺利降档，误会也解开了",
        ),
    )
    cheapest = branch(
        "询问最便宜套餐的限制",
        ctx.say("最便宜那个8块的，还有什么限制？", "疑惑", "想省到底，但怕有坑"),
        ctx.reply(
            "8元保号套餐每月0.5GB流量、不含通话，打电话每分钟0.19元，超出的流量每GB按3元收。"
            "适合只接电话、很少上网的情况。",
            "把限制一次讲清，避免以后产生纠纷",
            "说明适用的人群，帮客户判断",
        ),
        ctx.close(
            f"那不适合我，还是改{fit}那档吧。",
            "满意",
            f"为客户把套餐从{current}元降到{fit}元，次月生效",
            "自己做了明白的选择，很满意",
        ),
    )
    loyal = branch(
        "询问有没有老用户优惠",
        ctx.say(
            "我用了这么多年，有没有什么老用户优惠？", "犹豫", "降档之外，也想看看能不能捡点实惠"
        ),
        ctx.reply(
            "您符合存费送费的活动：预存100元送60元话费，分12个月返还。这个和降档不冲突，"
            "您可以都办，也可以只降档。",
            "如实介绍客户能享受的优惠",
            "说明优惠与降档互不影响，不捆绑",
        ),
        ctx.close(
            "那都办了吧。",
            "满意",
            f"{issue.resolution}；客户同时参加了存费送费活动",
            "既降了月费又拿到优惠，很开心",
        ),
    )
    return CaseDraft(
        title=f"要求把{current}元套餐降档",
        background=f"{name}用的是{current}元的套餐，每月只用{use}GB左右的流量，觉得太浪费，想降到便宜的档位。"
        + ("客户之前来电要求降档时被劝说挽留，这次态度很坚决。" if ctx.heat >= 2 else ""),
        opening=opening,
        answer=answer,
        directions=(suspicion, cheapest, loyal),
        issue=issue,
        slips=(
            Slip(
                "降档挺麻烦的，而且以后再想升回来可能就没这个价了。",
                "用吓唬的方式阻拦客户降档",
                "想挽留客户，保住收入",
                "你这是在吓唬我吗？我就是要降！",
            ),
        ),
        demand="把套餐降到合适的档位，少交月租",
        unfit=frozenset({"compensate", "media"}),
    )


def _sales_calls(ctx: CaseContext) -> CaseDraft:
    times = ctx.rng.randint(3, 6)
    name = ctx.name
    issue = Issue(
        subject="频繁接到推销电话的事",
        remedy="把号码加入营销免打扰名单",
        wait="12小时",
        resolution="已将客户号码加入营销免打扰名单，12小时内生效",
        prevent="免打扰生效后，如果还接到自称我们的推销电话，记下号码和时间，"
        f"拨打{HOTLINE}按营销骚扰投诉处理。",
    )
    opening = ctx.say(
        ctx.by_heat(
            "你好，最近老有你们的人打电话推销套餐，能不能别打了？",
            f"你们一个星期给我打了{times}个推销电话，烦不烦？",
            f"你们还有完没完？一个星期{times}个推销电话，开会的时候都在打！",
        ),
        ctx.by_heat("不满", "不耐烦", "愤怒"),
        ctx.by_heat(
            "只想清静，不想再被打扰",
            "被频繁打扰，耐心已经耗尽",
            "觉得自己被骚扰，非常反感",
        ),
    )
    answer = ctx.answer(
        "非常抱歉打扰到您了。我现在就把您的号码加入营销免打扰名单，12小时内生效，"
        "以后不会再有推销电话和营销短信。",
        "先道歉，承认给客户造成了打扰",
        "马上加入免打扰名单，从根本上解决",
        "说明生效时间，让客户心里有数",
        apologise=False,
    )
    again = branch(
        "担心加了名单还会接到电话",
        ctx.say("要是还打呢？", "怀疑", "不太相信加个名单就管用"),
        ctx.reply(
            f"如果12小时后还接到，您记下来电号码和时间，拨打{HOTLINE}，我们按营销骚扰投诉处理，"
            "查实后会追究外呼人员的责任。",
            "给客户一个兜底的办法",
            "说明查实后的追责，增强客户的信心",
        ),
        ctx.close(
            "行，再打我就投诉。",
            "平静",
            f"{issue.resolution}，告知再被打扰时的投诉办法",
            "觉得这次真能清静了",
        ),
    )
    notices = branch(
        "担心收不到重要通知",
        ctx.say(
            "那以后话费提醒这些重要的通知，我还能收到吗？", "担心", "怕免打扰把有用的信息也挡了"
        ),
        ctx.reply(
            "能收到的，免打扰只屏蔽营销类的电话和短信，话费提醒、账单通知这类服务信息照常发送。",
            "打消客户的顾虑，说明免打扰的范围",
            "让客户放心地开通免打扰",
        ),
        ctx.close(
            "那就好，谢谢啊。",
            "满意",
            f"{issue.resolution}，确认服务类通知不受影响",
            "问题解决了，也没有后顾之忧",
        ),
    )
    leak = branch(
        "怀疑个人信息被泄露",
        ctx.say(
            "我的号码是不是被你们卖给别人了？还有好多别的推销电话。",
            ctx.by_heat("怀疑", "生气", "愤怒"),
            "担心个人信息被泄露，对运营商不信任",
        ),
        ctx.reply(
            f"{name}，我们不会出售客户的信息。刚才查到的这几通是我们公司的营销外呼，"
            "其他陌生的推销电话可能来自别的渠道，建议您打开手机的骚扰拦截；"
            "如果怀疑信息被泄露，我也可以帮您登记信息安全投诉，由专门部门调查。",
            "正面回应客户对信息泄露的担心，不回避",
            "分清自己公司的外呼和其他来源，不乱下结论",
            "给出防范办法和调查途径",
        ),
        ctx.close(
            "那你先帮我登记吧，我也开一下拦截。",
            "平静",
            f"{issue.resolution}；登记信息安全投诉，指导客户开启骚扰拦截",
            "担心还在，但觉得问题有人管",
        ),
    )
    return CaseDraft(
        title=f"一周接到{times}个推销电话",
        background=f"{name}最近一个星期接到了{times}个自称{ctx.pick(('通达移动', '通达移动客服'))}"
        "的推销电话，都是推荐升级套餐，有一次还是在开会的时候。" + ctx.history(),
        opening=opening,
        answer=answer,
        directions=(again, notices, leak),
        issue=issue,
        slips=(
            Slip(
                "这也是为了给您介绍优惠，您不想听直接挂掉就好了。",
                "为营销外呼辩解，不尊重客户的意愿",
                "觉得营销电话也是为客户好",
                "我挂了你们还打！你们有没有把客户当回事？",
            ),
        ),
        demand="不再接到推销电话",
    )


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("more-data", _more_data),
    Scenario("broadband-offer", _broadband_offer),
    Scenario("call-pack", _call_pack),
    Scenario("downgrade", _downgrade),
    Scenario("sales-calls", _sales_calls),
)
