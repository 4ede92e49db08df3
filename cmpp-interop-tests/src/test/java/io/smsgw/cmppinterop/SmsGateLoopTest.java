package io.smsgw.cmppinterop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.zx.sms.codec.cmpp.msg.CmppDeliverRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppReportRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitResponseMessage;
import com.zx.sms.connect.manager.EndpointManager;
import io.smsgw.core.id.CmppMsgId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole loop with SMSGate as the SP, for CMPP 2.0 (0x20) and 3.0 (0x30): SUBMIT → routing → the SMSC
 * link "sim" → the bundled SMSC simulator → its receipt → a status report DELIVERed to the SP with the
 * Msg_Id of its SUBMIT_RESP, and one billing record.
 *
 * <p>The gateway is the quick-start gateway in a child JVM with {@code gateway-loop-etc} (routing on);
 * it starts the simulator itself, on a port this test chooses.
 */
@Timeout(90)
class SmsGateLoopTest {

   private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
   private static final Duration TIMEOUT = Duration.ofSeconds(20);
   private static final Duration QUIET_TIME = Duration.ofMillis(500);
   private static final int QUIET_SECONDS = 60;
   private static final String BILLING_CLIENT = "loop-billing";
   private static final String BILLING_SUBSCRIPTION = "records";

   private static final String HANDSET = "13800138000";
   private static final String SOURCE = SmsGateSp.SP_CODE + "02";
   private static final String SERVICE_ID = "LOOP";
   private static final String FEE_TYPE = "02";
   private static final String FEE_CODE = "000010";

   private static GatewayProcess gateway;
   private static ContractJms app;

   /** Points at the child gateway's log next to any failing test. */
   @RegisterExtension
   static final TestWatcher SHOW_GATEWAY_LOG_ON_FAILURE = GatewayProcess.logOnFailure(() -> gateway);

   @BeforeAll
   static void startGateway() throws Exception {
      gateway = GatewayProcess.create(Path.of(GatewayProcess.requiredProperty("smsgw.loop.work.dir")), Path.of(GatewayProcess.requiredProperty("smsgw.loop.gateway.etc")),
                                      Map.of("smsgw.simulator.port", String.valueOf(GatewayProcess.freePort()),
                                             "smsgw.simulator.receipt-delay-ms", "100",
                                             "smsgw.simulator.success-ratio", "1"));
      gateway.start(START_TIMEOUT);
      app = new ContractJms(gateway.coreUrl());
      // Records are kept only for subscriptions that exist when they are written.
      app.billingRecords(BILLING_CLIENT, BILLING_SUBSCRIPTION, Duration.ZERO, QUIET_TIME);
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
   void submitComesBackAsStatusReportWithItsMsgIdAndIsBilledOnce(String version) throws Exception {
      try (SmsGateSp sp = SmsGateSp.connect("loop-0x" + version, gateway.cmppPort(), Integer.parseInt(version, 16), QUIET_SECONDS, TIMEOUT)) {
         CmppSubmitRequestMessage submit = CmppSubmitRequestMessage.create(HANDSET, SOURCE, "Round trip via 0x" + version);
         submit.setRegisteredDelivery((short) 1);
         submit.setServiceId(SERVICE_ID);
         submit.setFeeType(FEE_TYPE);
         submit.setFeeCode(FEE_CODE);
         List<CmppSubmitResponseMessage> responses = sp.submit(submit, TIMEOUT);
         assertEquals(1, responses.size(), "a short text goes in one SUBMIT");
         assertEquals(0, responses.get(0).getResult());
         long msgId = SmsGateSp.msgId(responses.get(0).getMsgId());

         CmppDeliverRequestMessage deliver = sp.awaitDeliver("the status report of " + CmppMsgId.toHex(msgId),
            d -> d.isReport() && SmsGateSp.msgId(d.getReportRequestMessage().getMsgId()) == msgId, TIMEOUT);
         CmppReportRequestMessage report = deliver.getReportRequestMessage();
         assertEquals("DELIVRD", report.getStat(), "the simulator delivered it");
         assertEquals(HANDSET, report.getDestterminalId());
         assertEquals(SOURCE, deliver.getDestId(), "the report goes to the SUBMIT's Src_Id");

         String smsId = CmppMsgId.toHex(msgId);
         List<Map<String, Object>> records = app.billingRecords(BILLING_CLIENT, BILLING_SUBSCRIPTION, TIMEOUT, QUIET_TIME)
            .stream().filter(r -> smsId.equals(r.get("smsId"))).toList();
         assertEquals(1, records.size(), "one billing record for " + smsId + ": " + records);
         Map<String, Object> expected = new TreeMap<>(Map.of("smsAccount", SmsGateSp.SP_ID, "smsServiceId", SERVICE_ID,
            "smsFeeType", FEE_TYPE, "smsFeeCode", FEE_CODE, "smsStatus", "DELIVRD", "smsLink", "sim", "smsBillable", true));
         Map<String, Object> actual = new TreeMap<>();
         expected.keySet().forEach(name -> actual.put(name, records.get(0).get(name)));
         assertEquals(expected, actual, "a delivered per-message (FeeType 02) SMS is billed");
      }
   }
}
