package io.smsgw.cmppinterop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.jms.TextMessage;

import com.zx.sms.codec.cmpp.msg.CmppDeliverRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppReportRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitResponseMessage;
import com.zx.sms.connect.manager.EndpointManager;
import io.netty.channel.Channel;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SMSGate 2.1.13.5 (a widely used Java CMPP stack) as the SP against the gateway, for CMPP 2.0 (0x20)
 * and 3.0 (0x30): CONNECT, SUBMIT of short ASCII and Chinese texts and of a long UCS2 text that SMSGate
 * splits, SUBMIT_RESP ids that applications find again as {@code smsId} on {@code sms.mt}, an MO and a
 * status report an application pushes through {@code sms.sp.901234}, ACTIVE_TEST in both directions,
 * and SUBMITs answered with Result 0 surviving a crash of the gateway.
 *
 * <p>The gateway is the quick-start gateway in a child JVM (see {@link GatewayProcess}); SMSGate runs
 * here, applications use the Artemis JMS client over TCP.
 */
@Timeout(90)
class SmsGateInteropTest {

   private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
   private static final Duration TIMEOUT = Duration.ofSeconds(10);
   /** SMSGate's idle time before it sends ACTIVE_TEST, for links on which it should stay silent. */
   private static final int QUIET_SECONDS = 60;
   /** SMSGate's idle time for the link that probes: shorter than the gateway's 2 s. */
   private static final int PROBING_SECONDS = 1;
   /** The gateway code in gateway-etc/sms-gateway.conf, as the Msg_Id carries it. */
   private static final int GATEWAY_CODE = 1001;

   private static final String HANDSET = "13800138000";
   private static final String SOURCE = SmsGateSp.SP_CODE + "01";
   private static final String SERVICE_ID = "INTEROP";
   private static final String FEE_TERMINAL = "13900139000";
   private static final String FEE_TYPE = "02";
   private static final String FEE_CODE = "000010";
   /** Charge the number in Fee_terminal_Id. */
   private static final short FEE_USER_TYPE = 3;
   /** What SMSGate puts into one UCS2 segment of a long text (140 octets less the 6-octet UDH). */
   private static final int UCS2_SEGMENT_CHARS = 67;

   private static GatewayProcess gateway;
   private static ContractJms app;

   /** Points at the child gateway's log next to any failing test. */
   @RegisterExtension
   static final TestWatcher SHOW_GATEWAY_LOG_ON_FAILURE = GatewayProcess.logOnFailure(() -> gateway);

   @BeforeAll
   static void startGateway() throws Exception {
      gateway = GatewayProcess.create(Path.of(GatewayProcess.requiredProperty("smsgw.work.dir")), Path.of(GatewayProcess.requiredProperty("smsgw.gateway.etc")));
      gateway.start(START_TIMEOUT);
      app = new ContractJms(gateway.coreUrl());
   }

   @AfterAll
   static void stopGateway() throws Exception {
      EndpointManager.INS.removeAll();
      if (gateway != null) {
         gateway.close();
      }
   }

   @ParameterizedTest(name = "CMPP version 0x{0}")
   @ValueSource(strings = {"20", "30"})
   void shortAsciiAndChineseTextsReachSmsMtWithServiceIdAndFees(String version) throws Exception {
      try (SmsGateSp sp = connect("short", version, QUIET_SECONDS)) {
         // SMSGate sends ASCII text as Msg_Fmt 0 and Chinese as 8 (UCS2): data_coding 1 (IA5) and 8 in the contract.
         for (Map.Entry<String, Integer> sms : Map.of("Hello from SMSGate", 1, "你好，短信网关！", 8).entrySet()) {
            String text = sms.getKey();
            CmppSubmitResponseMessage response = single(sp.submit(submit(text), TIMEOUT));
            assertEquals(0, response.getResult(), "SUBMIT_RESP Result for \"" + text + "\"");
            long msgId = SmsGateSp.msgId(response.getMsgId());
            assertEquals(GATEWAY_CODE, CmppMsgId.decode(msgId).gatewayCode(), "the gateway's own Msg_Id, not SMSGate's");

            TextMessage mt = app.receiveMt(CmppMsgId.toHex(msgId), TIMEOUT);
            assertNotNull(mt, "\"" + text + "\" on sms.mt with smsId " + CmppMsgId.toHex(msgId));
            assertEquals(text, mt.getText());
            assertEquals("MT", mt.getStringProperty("smsKind"));
            assertEquals("CMPP", mt.getStringProperty("smsProtocol"));
            assertEquals(version.charAt(0) + ".0", mt.getStringProperty("smsProtocolVersion"));
            assertEquals(SmsGateSp.SP_ID, mt.getStringProperty("smsAccount"));
            assertEquals(SOURCE, mt.getStringProperty("smsSource"));
            assertEquals(HANDSET, mt.getStringProperty("smsDestination"));
            assertEquals(SERVICE_ID, mt.getStringProperty("smsServiceId"));
            assertEquals(FEE_USER_TYPE, mt.getIntProperty("smsFeeUserType"));
            assertEquals(FEE_TYPE, mt.getStringProperty("smsFeeType"));
            assertEquals(FEE_CODE, mt.getStringProperty("smsFeeCode"));
            assertEquals(FEE_TERMINAL, mt.getStringProperty("smsFeeTerminal"));
            assertEquals(1, mt.getIntProperty("smsRegisteredDelivery"));
            assertEquals(sms.getValue(), mt.getIntProperty("smsDataCoding"));
         }
      }
   }

   @ParameterizedTest(name = "CMPP version 0x{0}")
   @ValueSource(strings = {"20", "30"})
   void longUcs2TextIsSplitBySmsGateAndEverySegmentIsKept(String version) throws Exception {
      String text = longChineseText(150);
      int segments = (text.length() + UCS2_SEGMENT_CHARS - 1) / UCS2_SEGMENT_CHARS;
      try (SmsGateSp sp = connect("long", version, QUIET_SECONDS)) {
         List<CmppSubmitResponseMessage> responses = sp.submit(submit(text), TIMEOUT);
         assertEquals(segments, responses.size(), "one SUBMIT_RESP per segment");

         Map<Integer, String> parts = new TreeMap<>();
         Set<Integer> references = new HashSet<>();
         for (CmppSubmitResponseMessage response : responses) {
            assertEquals(0, response.getResult());
            String smsId = CmppMsgId.toHex(SmsGateSp.msgId(response.getMsgId()));
            TextMessage mt = app.receiveMt(smsId, TIMEOUT);
            assertNotNull(mt, "segment " + smsId + " on sms.mt");
            assertEquals(segments, mt.getIntProperty("smsSegmentTotal"));
            assertEquals(8, mt.getIntProperty("smsDataCoding"), "UCS2");
            byte[] udh = (byte[]) mt.getObjectProperty("smsUdh");
            assertNotNull(udh, "the UDH is kept");
            references.add(mt.getIntProperty("smsSegmentRef"));
            parts.put(mt.getIntProperty("smsSegmentNumber"), mt.getText());
         }
         assertEquals(1, references.size(), "all segments share one reference: " + references);
         assertEquals(segments, parts.size(), "segment numbers 1.." + segments + ": " + parts.keySet());
         assertEquals(text, String.join("", parts.values()), "the segments in order give the text back");
      }
   }

   @ParameterizedTest(name = "CMPP version 0x{0}")
   @ValueSource(strings = {"20", "30"})
   void statusReportAndMoPushedByAnApplicationReachSmsGate(String version) throws Exception {
      try (SmsGateSp sp = connect("deliver", version, QUIET_SECONDS)) {
         long msgId = SmsGateSp.msgId(single(sp.submit(submit("Report this one"), TIMEOUT)).getMsgId());
         String smsId = CmppMsgId.toHex(msgId);
         assertNotNull(app.receiveMt(smsId, TIMEOUT), "the MT an SMSC link would send");

         Map<String, String> report = new LinkedHashMap<>();
         report.put("smsKind", "DR");
         report.put("smsId", smsId);
         report.put("smsStatus", "DELIVRD");
         report.put("smsSource", HANDSET);
         report.put("smsDestination", SOURCE);
         report.put("smsServiceId", SERVICE_ID);
         app.sendToAccount(SmsGateSp.SP_ID, "", report);
         CmppDeliverRequestMessage deliver = sp.awaitDeliver("a status report", CmppDeliverRequestMessage::isReport, TIMEOUT);
         CmppReportRequestMessage content = deliver.getReportRequestMessage();
         assertEquals(msgId, SmsGateSp.msgId(content.getMsgId()), "the report names the Msg_Id of SUBMIT_RESP");
         assertEquals("DELIVRD", content.getStat());
         assertEquals(HANDSET, content.getDestterminalId());
         assertEquals(SOURCE, deliver.getDestId());

         String reply = "收到，谢谢 (got it)";
         Map<String, String> mo = new LinkedHashMap<>();
         mo.put("smsKind", "MO");
         mo.put("smsSource", HANDSET);
         mo.put("smsDestination", SOURCE);
         mo.put("smsServiceId", SERVICE_ID);
         app.sendToAccount(SmsGateSp.SP_ID, reply, mo);
         CmppDeliverRequestMessage moDeliver = sp.awaitDeliver("an MO", d -> !d.isReport(), TIMEOUT);
         assertEquals(reply, moDeliver.getMsgContent());
         assertEquals(HANDSET, moDeliver.getSrcterminalId());
         assertEquals(SOURCE, moDeliver.getDestId());

         Wait.until("both DELIVERs acknowledged by SMSGate's DELIVER_RESP Result 0", TIMEOUT, () -> accountQueueDepth() == 0);
      }
   }

   @ParameterizedTest(name = "CMPP version 0x{0}")
   @ValueSource(strings = {"20", "30"})
   void aFullSevenBitMoPartWithAnAccentReachesSmsGateWhole(String version) throws Exception {
      // An SMSC's 7-bit part: 153 characters behind its UDH. Not ASCII (é), 312 octets as UCS2: it goes as 160 octets
      // of Msg_Fmt 15, over the 140 the specification names for it, to an SP whose account has cmpp-deliver-over-140
      // (this one's; others get a part cut anew or dead-lettered, decision 102), and SMSGate must still read it. The header says
      // part 1 of 1: SMSGate holds a part of more until its siblings come and leaves its DELIVER_RESP to a handler
      // this harness does not have.
      String part = "a".repeat(152) + "é";
      try (SmsGateSp sp = connect("accented-mo", version, QUIET_SECONDS)) {
         Map<String, String> mo = new LinkedHashMap<>();
         mo.put("smsKind", "MO");
         mo.put("smsProtocol", "SMPP");
         mo.put("smsSource", HANDSET);
         mo.put("smsDestination", SOURCE);
         app.sendSegmentToAccount(SmsGateSp.SP_ID, part, new byte[] {0x05, 0x00, 0x03, 0x3C, 0x01, 0x01}, mo);
         CmppDeliverRequestMessage deliver = sp.awaitDeliver("the accented MO", d -> !d.isReport(), TIMEOUT);
         assertEquals(part, deliver.getMsgContent(), "SMSGate read the 160 octets of GBK whole");
         Wait.until("acknowledged by SMSGate's DELIVER_RESP Result 0", TIMEOUT, () -> accountQueueDepth() == 0);
      }
   }

   @ParameterizedTest(name = "CMPP version 0x{0}")
   @ValueSource(strings = {"20", "30"})
   void activeTestKeepsIdleLinksAliveInBothDirections(String version) throws Exception {
      try (SmsGateSp probed = connect("probed", version, QUIET_SECONDS);
           SmsGateSp probing = connect("probing", version, PROBING_SECONDS)) {
         Channel link = probed.channel();
         // The gateway probes after 2 s of silence and drops a link after 2 unanswered probes, so a
         // third answered probe on the same link shows that SMSGate's answers keep it up.
         Wait.until("3 gateway ACTIVE_TESTs answered by SMSGate", Duration.ofSeconds(20),
                    () -> probed.probesFromGateway() >= 3 && probed.probesAnsweredBySp() >= 3);
         Wait.until("3 SMSGate ACTIVE_TESTs answered by the gateway", Duration.ofSeconds(20),
                    () -> probing.probesFromSp() >= 3 && probing.probesAnsweredByGateway() >= 3);
         assertSame(link, probed.channel(), "no reconnect happened");
         assertTrue(link.isActive(), "the probed link is still up");
         assertTrue(probing.isConnected(), "the probing link is still up");
         assertEquals(0, single(probed.submit(submit("Still here"), TIMEOUT)).getResult());
      }
   }

   @Test
   void submitsAnsweredWithResult0SurviveAGatewayCrash() throws Exception {
      Map<String, String> accepted = new LinkedHashMap<>();
      try (SmsGateSp v20 = connect("crash", "20", QUIET_SECONDS);
           SmsGateSp v30 = connect("crash", "30", QUIET_SECONDS)) {
         for (SmsGateSp sp : List.of(v20, v30)) {
            for (int i = 0; i < 5; i++) {
               String text = "Durable " + i + " via " + sp.channel().localAddress();
               CmppSubmitResponseMessage response = single(sp.submit(submit(text), TIMEOUT));
               assertEquals(0, response.getResult());
               accepted.put(CmppMsgId.toHex(SmsGateSp.msgId(response.getMsgId())), text);
            }
         }
         assertEquals(10, accepted.size(), "ten distinct Msg_Ids");

         gateway.kill();
         Wait.until("SMSGate noticed the gateway is gone", TIMEOUT, () -> !v20.isConnected() && !v30.isConnected());
         gateway.start(START_TIMEOUT);

         for (Map.Entry<String, String> sms : accepted.entrySet()) {
            TextMessage mt = app.receiveMt(sms.getKey(), TIMEOUT);
            assertNotNull(mt, "accepted before the crash, still on sms.mt after it: " + sms);
            assertEquals(sms.getValue(), mt.getText());
         }
         for (SmsGateSp sp : List.of(v20, v30)) {
            sp.reconnect(TIMEOUT);
            assertEquals(0, single(sp.submit(submit("After the restart"), TIMEOUT)).getResult());
         }
      }
   }

   /** An SMSGate endpoint for one test and version, logged in to the gateway. */
   private static SmsGateSp connect(String test, String version, int idleSeconds) {
      return SmsGateSp.connect(test + "-0x" + version, gateway.cmppPort(), Integer.parseInt(version, 16), idleSeconds, TIMEOUT);
   }

   /** A submit with a status report requested, a Service_Id and every fee field set. */
   private static CmppSubmitRequestMessage submit(String text) {
      CmppSubmitRequestMessage message = CmppSubmitRequestMessage.create(HANDSET, SOURCE, text);
      message.setRegisteredDelivery((short) 1);
      message.setServiceId(SERVICE_ID);
      message.setFeeUserType(FEE_USER_TYPE);
      message.setFeeterminalId(FEE_TERMINAL);
      message.setFeeType(FEE_TYPE);
      message.setFeeCode(FEE_CODE);
      return message;
   }

   /** Messages on sms.sp.901234, unacknowledged DELIVERs included. */
   private static long accountQueueDepth() {
      try {
         return app.messageCount(SmsAddresses.accountQueue(SmsGateSp.SP_ID));
      } catch (Exception e) {
         throw new AssertionError("Broker management did not tell the queue depth", e);
      }
   }

   private static CmppSubmitResponseMessage single(List<CmppSubmitResponseMessage> responses) {
      assertEquals(1, responses.size(), "a short text goes in one SUBMIT");
      return responses.get(0);
   }

   /** {@code length} Chinese characters: too long for one message, so SMSGate must split it. */
   private static String longChineseText(int length) {
      String phrase = "网关把长短信的每一段都当作一条短信保存，应用按分段号把它们拼回原文。";
      StringBuilder text = new StringBuilder(length);
      while (text.length() < length) {
         text.append(phrase);
      }
      text.setLength(length);
      assertFalse(StandardCharsets.US_ASCII.newEncoder().canEncode(text), "UCS2 text");
      return text.toString();
   }
}
