"""The vocabulary of key facts: what each fact label means and how a supervisor asks for it.

A key fact is written ``label + value`` (``"国内通用流量40GB"``), with a full-width colon
between them when the value starts with a Chinese character (``"责任部门：投诉管理室"``).
Every label the demo articles use is declared here once, with the question that asks for
it (``{s}`` stands for the article's subject), and, where numbers cannot be varied to make
wrong options, a pool of plausible alternative values for choice tasks. A label marked
``is_list`` holds several items joined by ``、`` and is only asked as a multi-select.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactLabel:
    """One kind of key fact."""

    name: str
    question: str
    pool: tuple[str, ...] = ()
    is_list: bool = False


_CHANNELS = (
    "通达移动自有营业厅",
    "通达移动APP",
    "通达移动网上营业厅",
    "10087热线",
    "短信营业厅",
    "合作代办点",
)
_DEPARTMENTS = (
    "客户服务中心",
    "客户服务中心质检室",
    "客户服务部",
    "投诉管理室",
    "省公司客户服务部",
    "品牌传播部",
    "计费结算中心",
    "网络运维中心",
    "家庭业务中心",
    "渠道管理中心",
    "市场经营部",
    "政企客户部",
)
_DOCUMENTS = (
    "结婚证",
    "工作证",
    "社保卡",
    "学生证",
    "驾驶证",
    "房产证",
    "银行流水",
    "近3个月通话记录",
)
_CONDITIONS = ("办理宽带业务", "星级达到五星", "开通来电显示", "绑定银行卡", "开通家庭网")
_FAILURE_CODES = ("E101", "E102", "E103", "E104", "E105")
_HOURS = ("7×24小时", "8:00至22:00", "8:00至20:00", "7:00至21:00", "9:00至18:00")
_SHORT_NUMBERS = ("10087", "12580", "10088", "95087")

_LABELS = (
    FactLabel("一键退订指令", "{s}的短信指令是什么？"),
    FactLabel("上报时限", "{s}：客户代表发现后须在多长时间内上报值班经理？"),
    FactLabel("上门安装时限", "{s}受理后多长时间内预约上门安装？"),
    FactLabel("上门时限", "{s}：资源核查通过后多长时间内上门？"),
    FactLabel("下行峰值速率", "{s}的下行峰值速率最高可达多少？"),
    FactLabel("不知情定制退费期", "{s}被认定为不知情定制的，最多可退还最近几个月的功能费？"),
    FactLabel("个人内容保留期", "{s}后，业务中保存的个人内容多久后删除？"),
    FactLabel("临时挂失期限", "{s}：临时挂失多少天后自动解挂？"),
    FactLabel("书面回复时限", "{s}办结后多长时间内须向通信管理局书面回复？"),
    FactLabel("争议提出期限", "{s}：客户须在出账后多长时间内提出异议？"),
    FactLabel(
        "争议金额处理",
        "{s}处理期间，对争议金额如何处理？",
        ("暂停催缴", "照常催缴", "先缴后退", "加收滞纳金"),
    ),
    FactLabel("云端存储空间", "{s}提供多大的云端存储空间？"),
    FactLabel("亲情号码数量", "{s}可以设置几个亲情号码？"),
    FactLabel("从光猫数量", "{s}包含几台从光猫？"),
    FactLabel(
        "余额处理", "{s}后，现金余额如何处理？", ("随号码转移", "退还原机主", "清零", "转为积分")
    ),
    FactLabel("余额查询指令", "{s}的短信查询指令是什么？"),
    FactLabel("余额提醒金额", "{s}：账户余额低于多少时发送提醒短信？"),
    FactLabel("余额退还时限", "{s}：现金余额在多长时间内退还？"),
    FactLabel("使用人登记期限", "{s}：号码使用人须在入网后多少天内完成实名登记？"),
    FactLabel("保修期", "{s}的设备保修期是多久？", ("6个月", "1年", "2年", "3年")),
    FactLabel("保号费", "{s}期间每月收取多少保号费？"),
    FactLabel("保证金", "{s}：不满足在网时长要求的客户需预存多少保证金？"),
    FactLabel(
        "信息费", "{s}的信息费是多少？", ("免费", "0.5元/次", "1元/次", "0.2元/次", "2元/次")
    ),
    FactLabel("信用额度", "{s}的信用额度是多少？"),
    FactLabel("停机保号指令", "{s}的短信指令是什么？"),
    FactLabel("充值拨号", "{s}充值需拨打哪个号码？", _SHORT_NUMBERS),
    FactLabel("光猫赔偿", "{s}时光猫未归还的按多少钱赔偿？"),
    FactLabel("免打扰生效时限", "{s}受理后须在多长时间内将客户号码加入免打扰名单？"),
    FactLabel(
        "免费取消截止",
        "{s}：入住当日几点前可以免费取消？",
        ("12:00", "14:00", "18:00", "20:00", "22:00"),
    ),
    FactLabel("免费取消时限", "{s}：出票后多长时间内可以免费取消？"),
    FactLabel("免费移机次数", "{s}：包年客户每个协议期内可免费移机几次？"),
    FactLabel("免费补换卡次数", "{s}每年可免费补换卡几次？"),
    FactLabel("兑换指令", "{s}的短信指令是什么？"),
    FactLabel("全程跟进人", "{s}由谁全程跟进？", ("客户经理", "值班经理", "班组长", "质检员")),
    FactLabel(
        "关联业务",
        "{s}需要先开通哪项网络业务？",
        ("5G SA网络", "国际漫游", "来电显示", "家庭宽带"),
    ),
    FactLabel("关闭指令", "{s}的关闭短信指令是什么？"),
    FactLabel("农村修复时限", "{s}：农村地区故障须在多长时间内修复？"),
    FactLabel("出票时限", "{s}：支付成功后多长时间内出票？"),
    FactLabel("出账日", "{s}在每月几日出账？"),
    FactLabel("到期提醒", "{s}：证件到期前多少天短信提醒续期？"),
    FactLabel("副卡数量", "{s}最多可以添加几张副卡？"),
    FactLabel("办理指令", "{s}的办理短信指令是什么？"),
    FactLabel("办理渠道", "{s}须到哪里办理？", _CHANNELS),
    FactLabel("办结时限", "{s}须在多长时间内办结？"),
    FactLabel("功能费", "{s}的功能费是多少？"),
    FactLabel("加收费用", "{s}在千兆宽带基础上每月加收多少费用？"),
    FactLabel("包内流量", "{s}包含多少流量？"),
    FactLabel("协议期", "{s}需签订多长时间的协议？"),
    FactLabel("单位号码上限", "{s}：每家单位最多可登记多少个号码？"),
    FactLabel("单次转出上限", "{s}单次最多可转出多少钱？"),
    FactLabel("单笔上限", "{s}单笔最多可缴多少钱？"),
    FactLabel("单笔最高", "{s}单笔最多可充值多少钱？"),
    FactLabel(
        "卡面面值", "{s}有哪些面值？", ("10元", "20元", "200元", "300元", "500元"), is_list=True
    ),
    FactLabel(
        "原卡状态", "{s}后，原卡状态如何？", ("立即失效", "24小时后失效", "继续可用", "7天后失效")
    ),
    FactLabel("发送时间", "{s}每天几点发送？"),
    FactLabel("发送短信", "{s}：在当地发送短信的资费是多少？"),
    FactLabel("取消携出指令", "{s}的短信指令是什么？"),
    FactLabel("受理时间", "{s}：每天的受理时间是什么？", _HOURS),
    FactLabel("受理标准", "{s}：充值超过多长时间未到账可以申请核查？"),
    FactLabel("可办理渠道", "{s}可以通过哪些渠道办理？", _CHANNELS, is_list=True),
    FactLabel("可开票月数", "{s}可以为最近几个月的账单开具？"),
    FactLabel("可查账单月数", "{s}在APP中可以查询最近几个月的账单？"),
    FactLabel("号源提前开放天数", "{s}的号源提前几天开放？"),
    FactLabel("号码上限", "{s}：同一证件最多可登记几个号码？"),
    FactLabel("号码冻结期", "{s}后号码冻结多少天？"),
    FactLabel("号码切换时限", "{s}：提交申请后多长时间内完成号码切换？"),
    FactLabel("合约价", "{s}的合约价是多少？"),
    FactLabel("合约期", "{s}的合约期是多久？"),
    FactLabel("同城送达时间", "{s}：同城订单最快多长时间送达？"),
    FactLabel("同时登录设备数", "{s}可以同时在几台设备上登录？"),
    FactLabel(
        "含家庭宽带",
        "{s}包含多大带宽的家庭宽带？",
        ("100M", "200M", "300M", "500M", "1000M"),
    ),
    FactLabel("回复时限", "{s}：派单后多长时间内回复客户？"),
    FactLabel("回访时限", "{s}办结后须在多长时间内回访？"),
    FactLabel("国内主叫", "{s}每月包含多少分钟国内主叫？"),
    FactLabel("国内主叫资费", "{s}的国内主叫按什么标准计费？"),
    FactLabel("国内通用流量", "{s}每月包含多少国内通用流量？"),
    FactLabel("在网时长不足代码", "{s}：在网时长不足对应的失败代码是什么？", _FAILURE_CODES),
    FactLabel("在网时长要求", "{s}：号码须在网满多少天才能携出？"),
    FactLabel("城区修复时限", "{s}：城区故障须在多长时间内修复？"),
    FactLabel("城区到场时限", "{s}：城区救援车辆多长时间内到达现场？"),
    FactLabel("处理时限", "{s}的处理时限是多久？"),
    FactLabel("复机工单处理时限", "{s}：复机工单须在多长时间内处理完毕？"),
    FactLabel("复机时限", "{s}：核验通过后多长时间内复机？"),
    FactLabel(
        "复机核验",
        "{s}的号码复机前须完成什么核验？",
        ("二次实名核验", "短信验证码核验", "服务密码核验", "人脸识别登录"),
    ),
    FactLabel("多媒体消息资费", "{s}的多媒体消息资费是多少？"),
    FactLabel("存在欠费代码", "{s}：存在欠费对应的失败代码是什么？", _FAILURE_CODES),
    FactLabel("套外流量封顶", "{s}：国内套外流量费用每月达到多少时暂停上网？"),
    FactLabel("套外流量资费", "{s}套餐内流量用完后，国内流量如何计费？"),
    FactLabel("套外语音资费", "{s}超出套餐的国内主叫如何计费？"),
    FactLabel("套餐内高速流量", "{s}包含多少高速流量？"),
    FactLabel("套餐资费", "{s}的资费是多少？"),
    FactLabel("安全限制时长", "{s}后多长时间内不能办理携号转网和过户？"),
    FactLabel("官方零售价", "{s}：该机型的官方零售价是多少？"),
    FactLabel("实时翻译免费时长", "{s}的实时翻译每月免费使用多长时间？"),
    FactLabel("审批时限", "{s}的审批在多长时间内完成？"),
    FactLabel("密码位数", "{s}的密码是几位？"),
    FactLabel(
        "工单类型编码",
        "{s}的工单类型编码是什么？",
        ("TS-FW", "TS-CF", "TS-YJ", "TS-GJ", "TS-MT", "TS-JF", "TS-WL", "TS-ZW", "TS-YY"),
    ),
    FactLabel("年度转赠上限", "{s}：每年转赠累计不超过多少积分？"),
    FactLabel("年费", "{s}的年费是多少？"),
    FactLabel("年龄上限", "{s}的办理年龄上限是多少？"),
    FactLabel("年龄下限", "{s}的办理年龄下限是多少？"),
    FactLabel("年龄界限", "{s}：未满多少周岁须由监护人陪同办理？"),
    FactLabel("座位保留时间", "{s}：到店超时多久座位不再保留？"),
    FactLabel("开通指令", "{s}的开通短信指令是什么？"),
    FactLabel("开通条件", "{s}的开通条件有哪些？", _CONDITIONS, is_list=True),
    FactLabel("异议答复时限", "{s}：提交核查申请后多长时间内答复？"),
    FactLabel("录像保存期", "{s}：营业厅监控录像保存多少天？"),
    FactLabel("录音保存期", "{s}：通话录音保存多长时间？"),
    FactLabel("恢复上网指令", "{s}：恢复上网的短信指令是什么？"),
    FactLabel(
        "恢复前提",
        "{s}须先满足什么条件？",
        ("缴清全部欠费", "预存100元话费", "重新实名登记", "更换SIM卡"),
    ),
    FactLabel("恢复时限", "{s}：提交申请后多长时间内恢复通信？"),
    FactLabel("成员上限", "{s}最多可为几个成员号码付费？"),
    FactLabel("所需材料", "{s}需要提供哪些材料？", _DOCUMENTS, is_list=True),
    FactLabel("所需积分", "{s}每次需要多少积分？"),
    FactLabel("所需证件", "{s}需要提供哪些证件？", _DOCUMENTS, is_list=True),
    FactLabel("扣款日", "{s}每月几日扣款？"),
    FactLabel("投诉回复时限", "{s}：客户投诉商户服务后多长时间内回复？"),
    FactLabel("报修热线", "{s}的报修电话是多少？", _SHORT_NUMBERS),
    FactLabel("拆机时限", "{s}受理后多长时间内完成？"),
    FactLabel("拨打中国内地", "{s}：在当地拨打中国内地号码的资费是多少？"),
    FactLabel("挂失热线", "{s}可以拨打哪个号码办理？", _SHORT_NUMBERS),
    FactLabel("挽留介绍次数", "{s}：客户明确要携出时，最多介绍几次挽留方案？"),
    FactLabel("挽留通话时长上限", "{s}：挽留通话不得超过多长时间？"),
    FactLabel("授权码位数", "{s}：授权码是几位数字？"),
    FactLabel("授权码有效期", "{s}：授权码的有效期是多久？"),
    FactLabel("授权码状态", "{s}后，授权码状态如何？", ("立即作废", "继续有效", "24小时后作废")),
    FactLabel("授权码申请指令", "{s}的短信指令是什么？"),
    FactLabel("接听电话", "{s}：在当地接听电话的资费是多少？"),
    FactLabel("提前预约时间", "{s}需要提前多长时间预约？"),
    FactLabel("提前预订天数", "{s}最晚需提前几天预订？"),
    FactLabel("携出条件", "{s}：携出须满足哪些条件？", _CONDITIONS, is_list=True),
    FactLabel(
        "支付方式",
        "{s}支持哪些支付方式？",
        ("支票", "信用卡分期", "外币现金", "积分抵扣"),
        is_list=True,
    ),
    FactLabel("摄像头价格", "{s}：摄像头的购买价格是多少？"),
    FactLabel("故障换货期", "{s}：签收后多少天内出现性能故障可以换货？"),
    FactLabel("文本消息资费", "{s}的文本消息资费是多少？"),
    FactLabel("方案报送时限", "{s}须在多长时间内向上级公司报送处理方案？"),
    FactLabel("施工时间", "{s}的施工时间约多长？"),
    FactLabel("无理由退货期", "{s}：签收后几天内可无理由退货？"),
    FactLabel("日套餐资费", "{s}的资费是多少？"),
    FactLabel("最低在网期", "{s}的最低在网期是多久？"),
    FactLabel("最大连接终端数", "{s}最多可同时连接几台终端？"),
    FactLabel("最迟到账时间", "{s}高峰期最迟多长时间到账？"),
    FactLabel("最长保号期", "{s}每次最长可办理多久？"),
    FactLabel("最长延迟", "{s}最长延迟多久？"),
    FactLabel("最高补贴", "{s}最高额外补贴多少钱？"),
    FactLabel("月最低消费", "{s}每月最低消费是多少？"),
    FactLabel("月费", "{s}的月费是多少？"),
    FactLabel("有效期", "{s}的有效期是多久？", ("24小时", "3天", "7天", "当月", "90天", "180天")),
    FactLabel(
        "有效证件",
        "{s}须出示什么证件？",
        (
            "居民身份证",
            "港澳居民来往内地通行证",
            "台湾居民来往大陆通行证",
            "外国人永久居留身份证",
            "护照",
        ),
    ),
    FactLabel("服务时间", "{s}的服务时间是什么？", _HOURS),
    FactLabel("机场贵宾厅次数", "{s}每年可使用几次机场贵宾厅？"),
    FactLabel(
        "查询凭证",
        "{s}查询时除短信验证码外还需输入什么？",
        ("服务密码", "身份证号码", "PUK码", "银行卡号"),
    ),
    FactLabel("查询回复时限", "{s}：发送查询短信后多长时间内回复？"),
    FactLabel("查询指令", "{s}的短信指令是什么？"),
    FactLabel("查询渠道", "{s}可以在哪个渠道查看积分明细？", _CHANNELS),
    FactLabel(
        "核实材料",
        "{s}需要调取哪些记录？",
        ("缴费记录", "通话详单", "营业厅监控录像", "实名登记照片"),
        is_list=True,
    ),
    FactLabel("核查时限", "{s}：计费中心须在多长时间内完成核查？"),
    FactLabel(
        "核验方式",
        "{s}：营业员须完成哪种身份核验？",
        ("人像比对", "指纹比对", "短信验证码", "服务密码"),
    ),
    FactLabel("每元累积积分", "{s}：每消费1元累积多少积分？"),
    FactLabel("每年代办次数", "{s}：同一号码每年最多代办几次？"),
    FactLabel("每日申请上限", "{s}：同一号码每天最多申请几次？"),
    FactLabel("每日累计上限", "{s}：同一号码每日累计充值上限是多少？"),
    FactLabel("每日高速流量", "{s}每天包含多少高速流量？"),
    FactLabel("每月兑换上限", "{s}每月最多兑换几次？"),
    FactLabel("每月次数上限", "{s}每月最多自动充值几次？"),
    FactLabel("每月申请次数", "{s}每个号码每月可以申请几次？"),
    FactLabel("每月订购上限", "{s}每月最多可以订购几次？"),
    FactLabel("每月赠送流量", "{s}每月赠送多少流量？"),
    FactLabel("每月转出次数", "{s}每个号码每月最多转出几次？"),
    FactLabel("每月返还", "{s}每月返还多少话费？"),
    FactLabel("每次充值金额", "{s}每次充值多少钱？"),
    FactLabel(
        "清零日期", "{s}：逾期积分在每年哪一天清零？", ("12月31日", "6月30日", "1月1日", "3月31日")
    ),
    FactLabel("港澳台漫游天数", "{s}每月赠送几天港澳台漫游日包？"),
    FactLabel("激活期限", "{s}订购后须在多少天内激活？"),
    FactLabel("现场测试时限", "{s}：网络工程师须在多长时间内完成现场测试？"),
    FactLabel("生效时间", "{s}办理后何时生效？", ("次月1日", "立即", "24小时后", "当月月底")),
    FactLabel("生效时限", "{s}办理后多长时间内生效？"),
    FactLabel("电子发票送达时限", "{s}在多长时间内发送至客户邮箱？"),
    FactLabel("电池保修期", "{s}：电池保修多长时间？"),
    FactLabel("直降金额", "{s}直降多少钱？"),
    FactLabel("短信查询指令", "{s}的短信查询指令是什么？"),
    FactLabel("确认短信有效期", "{s}：确认短信多长时间内有效？"),
    FactLabel(
        "积分倍率",
        "{s}的消费积分按几倍累积？",
        ("1倍", "1.1倍", "1.2倍", "1.5倍", "1.8倍", "2倍", "3倍"),
    ),
    FactLabel("积分处理", "{s}：积分如何处理？", ("清零", "保留", "折算为话费", "转入新号码")),
    FactLabel("积分有效期", "{s}：积分有效期是多久？"),
    FactLabel("积分查询指令", "{s}的短信指令是什么？"),
    FactLabel("移机费", "{s}收取多少调测费？"),
    FactLabel(
        "签约渠道",
        "{s}可以在哪些渠道签约？",
        ("短信营业厅", "自助终端", "合作代办点", "12580热线"),
        is_list=True,
    ),
    FactLabel("紧急开机指令", "{s}的短信指令是什么？"),
    FactLabel("紧急开机时长", "{s}开机后可正常通信多长时间？"),
    FactLabel("纸质详单办理渠道", "{s}：打印纸质详单须到哪里办理？", _CHANNELS),
    FactLabel("续费提醒", "{s}到期前多少天短信提醒续费？"),
    FactLabel("缴费截止日", "{s}须在每月几日前缴清上月话费？"),
    FactLabel("自动复机时限", "{s}：缴清欠费后多长时间内自动复机？"),
    FactLabel("补充值时限", "{s}：核实后多长时间内补充值？"),
    FactLabel("补卡费", "{s}的补卡费是多少？"),
    FactLabel("触发金额", "{s}：余额低于多少时自动充值？"),
    FactLabel("订阅指令", "{s}的订阅短信指令是什么？"),
    FactLabel("认定周期", "{s}的认定周期是多少天？"),
    FactLabel(
        "代缴所需信息",
        "{s}：他人代缴话费需要提供什么？",
        ("被缴费号码", "代缴人身份证件", "机主身份证件", "服务密码"),
    ),
    FactLabel("设备价格", "{s}的设备价格是多少？"),
    FactLabel("证件信息不一致代码", "{s}：证件信息不一致对应的失败代码是什么？", _FAILURE_CODES),
    FactLabel("证件有效期", "{s}：临时居民身份证的有效期是多久？"),
    FactLabel("评定门槛", "{s}要求近6个月月均消费达到多少？"),
    FactLabel("详单查询范围", "{s}可以查询最近几个月？"),
    FactLabel("调测费", "{s}首次装机收取多少调测费？"),
    FactLabel("责任部门", "{s}派发至哪个部门处理？", _DEPARTMENTS),
    FactLabel("账单查询指令", "{s}的短信查询指令是什么？"),
    FactLabel("资格查询指令", "{s}的短信指令是什么？"),
    FactLabel("资费", "{s}的资费是多少？"),
    FactLabel("赠送月数", "{s}连续赠送几个月？"),
    FactLabel("赠送话费", "{s}赠送多少话费？"),
    FactLabel("起步价", "{s}的起步价是多少？"),
    FactLabel(
        "超出后限速",
        "{s}高速流量用完后限速至多少？",
        ("64kbps", "128kbps", "256kbps", "512kbps", "1Mbps"),
    ),
    FactLabel("转双向停机", "{s}：单向停机满多少天转为双向停机？"),
    FactLabel("转赠手续费", "{s}收取多少手续费？", ("免费", "1元/次", "5元/次", "10元/次")),
    FactLabel("转预销户", "{s}：双向停机满多少天转入预销户？"),
    FactLabel("返还月数", "{s}分几个月返还？"),
    FactLabel("进展通报次数", "{s}处理过程中至少向客户通报几次进展？"),
    FactLabel("违约金比例", "{s}按剩余未返还话费的多少比例收取违约金？"),
    FactLabel("迟到认定标准", "{s}：装维人员迟到超过多长时间计为服务违规？"),
    FactLabel("退款时限", "{s}核实后多长时间内原路退款？"),
    FactLabel("退订指令", "{s}的退订短信指令是什么？"),
    FactLabel(
        "退订生效时间",
        "{s}退订后何时生效？",
        ("立即生效", "次月1日生效", "24小时后生效", "当月月底生效"),
    ),
    FactLabel(
        "退货条件",
        "{s}：无理由退货须满足哪些条件？",
        ("已激活", "购买满30天", "有维修记录", "保留快递单"),
        is_list=True,
    ),
    FactLabel("退费方式", "{s}的退费以什么形式返还？", ("话费", "现金", "银行转账", "积分")),
    FactLabel("通常延迟", "{s}通常延迟多久？", ("1至2个月", "2至3个月", "3至6个月", "半个月以内")),
    FactLabel("配套流量", "{s}配套流量卡每月包含多少流量？"),
    FactLabel("配套流量卡月费", "{s}配套流量卡的月费是多少？"),
    FactLabel("重试次数", "{s}扣款失败最多重试几次？"),
    FactLabel("障碍解除时限", "{s}：查实存在携转障碍的须在多长时间内解除？"),
    FactLabel(
        "需归还设备",
        "{s}需要归还哪些设备？",
        ("SIM卡", "网线", "电源插线板", "宽带账号密码单"),
        is_list=True,
    ),
    FactLabel("预存话费", "{s}需预存多少话费？"),
    FactLabel("预案启动时限", "{s}须在多长时间内启动应急预案？"),
    FactLabel(
        "额度调整时间",
        "{s}的信用额度在什么时间调整？",
        ("每年1月", "每年7月", "每季度初", "每月1日"),
    ),
    FactLabel("合约未到期代码", "{s}：合约未到期对应的失败代码是什么？", _FAILURE_CODES),
    FactLabel("首次联系时限", "{s}受理后须在多长时间内首次联系客户？"),
)

LABELS: dict[str, FactLabel] = {label.name: label for label in _LABELS}
_LENGTHS = sorted({len(name) for name in LABELS}, reverse=True)


def format_fact(label: str, value: str) -> str:
    """The key-fact string for ``value`` under ``label``."""
    if label not in LABELS:
        raise KeyError(f"undeclared fact label {label!r}")
    separator = "" if value[:1].isascii() else "："
    return f"{label}{separator}{value}"


def parse_fact(fact: str) -> tuple[FactLabel, str] | None:
    """The label and value of a key fact, or None when its label is not declared here."""
    if "：" in fact:
        name, value = fact.split("：", 1)
        label = LABELS.get(name)
        return (label, value) if label and value else None
    for length in _LENGTHS:
        label = LABELS.get(fact[:length])
        if label and len(fact) > length:
            return label, fact[length:]
    return None
