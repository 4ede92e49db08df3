package io.smsgw.multigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.zx.sms.codec.cmpp.msg.CmppDeliverRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppSubmitResponseMessage;
import com.zx.sms.connect.manager.EndpointManager;
import io.smsgw.broker.testing.RawFrameSocket;
import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppCodec;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppTimestamp;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.ConnectResp;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.FwdResp;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.cmpp.fwd.FwdLinkControlMBean;
import io.smsgw.cmpp.fwd.FwdLinkService;
import io.smsgw.cmppinterop.SmsGateSp;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.config.PeerConfig;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.examples.ReadBillingWithJms;
import io.smsgw.examples.multigateway.GatewayNode;
import io.smsgw.examples.multigateway.MultiGatewayTopology;
import io.smsgw.examples.multigateway.Site;
import io.smsgw.examples.multigateway.TopologyPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MT forwarded to a peer gateway that never sends its final report: Sina submits at Beijing an MT for a Guangxi
 * handset, Guangxi's carrier SMSC accepts its submit_sm and sends no receipt (not within the test). Beijing's forward
 * record reaches its deadline (the MT's validity plus Guangxi's {@code report-wait} plus the records' grace, shortened
 * here), and Beijing makes the MT's final report itself: Sina gets exactly one status report and Beijing's billing
 * exactly one record. Guangxi's report coming later still (a B-to-A link that was down) is answered Result 0 and dropped
 * as a repeat, not refused for hours. Before, the record was dropped silently: no report, no billing record.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ForwardWithoutPeerReportTest {

   private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
   private static final Duration TIMEOUT = Duration.ofSeconds(40);
   /** The carrier SMSCs' receipts come after the test. */
   private static final Duration NO_RECEIPT = Duration.ofHours(1);
   /** Beijing's report-wait for Guangxi, set by a reload; also how long its own report's marker lives. */
   private static final Duration REPORT_WAIT = Duration.ofSeconds(5);
   private static final String GUANGXI = Site.GUANGXI.code();
   private static final int CMPP_30 = 0x30;
   private static final int IDLE_SECONDS = 300;

   @TempDir
   static Path workDir;

   private static MultiGatewayTopology topology;
   private static SmsGateSp sina;

   @BeforeAll
   static void startGatewaysWithShortRecordGrace() throws Exception {
      // The forward records' grace (an hour) is what a test cannot wait for; the stores read it as they open.
      System.setProperty("smsgw.fwd.record-grace", "500");
      try {
         topology = MultiGatewayTopology.start(new MultiGatewayTopology.Settings(workDir, TopologyPorts.free(), NO_RECEIPT));
      } finally {
         System.clearProperty("smsgw.fwd.record-grace");
      }
      Wait.until("every carrier SMSC link bound", START_TIMEOUT, topology::carrierLinksBound);
      sina = SmsGateSp.connect("sina-beijing", topology.ports().of(Site.BEIJING).cmpp(), CMPP_30, IDLE_SECONDS, START_TIMEOUT);

      Path conf = topology.node(Site.BEIJING).configFile();
      String text = Files.readString(conf, StandardCharsets.UTF_8);
      String entry = "\"" + GUANGXI + "\" { ";
      assertEquals(text.indexOf(entry), text.lastIndexOf(entry), "one peers entry for Guangxi");
      assertTrue(text.contains(entry), "Beijing's peers name Guangxi");
      Files.writeString(conf, text.replace(entry, entry + "report-wait = " + REPORT_WAIT.toSeconds() + "s, "), StandardCharsets.UTF_8);
      Wait.until("Beijing's reload of report-wait for Guangxi", START_TIMEOUT,
                 () -> config(Site.BEIJING).peer(GUANGXI).map(PeerConfig::reportWait).orElseThrow().equals(REPORT_WAIT));
   }

   @AfterAll
   static void stopEverything() throws Exception {
      try {
         if (sina != null) {
            sina.close();
         }
      } finally {
         EndpointManager.INS.removeAll();
         if (topology != null) {
            topology.close();
         }
      }
   }

   @Test
   void anMtThePeerNeverReportsOnGetsOneFinalReportAndOneBillingRecordAtHome() throws Exception {
      String handset = Site.GUANGXI.handset(9);
      String text = "never reported";
      CmppSubmitRequestMessage submit = CmppSubmitRequestMessage.create(handset, MultiGatewayTopology.SINA_SERVICE_NUMBER, text);
      submit.setRegisteredDelivery((short) 1);
      submit.setServiceId("NEWS");
      submit.setFeeType("02");
      submit.setFeeCode("000010");
      submit.setValIdTime("000000000003000R"); // valid for 3 s
      List<CmppSubmitResponseMessage> responses = sina.submit(submit, TIMEOUT);
      assertEquals(1, responses.size());
      assertEquals(0, responses.get(0).getResult(), "Beijing took the MT");
      long msgId = SmsGateSp.msgId(responses.get(0).getMsgId());
      String smsId = CmppMsgId.toHex(msgId);

      GatewayNode guangxi = topology.node(Site.GUANGXI);
      GatewayNode beijing = topology.node(Site.BEIJING);
      Wait.until("the MT at Guangxi's carrier SMSC", TIMEOUT,
                 () -> guangxi.carrierSubmits().stream().anyMatch(s -> s.destination().equals(handset) && s.text().equals(text)));

      CmppDeliverRequestMessage deliver = sina.awaitDeliver("Sina's status report on " + smsId, reportOf(msgId), TIMEOUT);
      assertEquals("UNKNOWN", deliver.getReportRequestMessage().getStat(), "Guangxi never said what became of it");
      assertEquals(handset, deliver.getReportRequestMessage().getDestterminalId());

      // Guangxi's report comes after all (its link to Beijing was down, say): a repeat of the final report made.
      try (RawPeer peer = RawPeer.connect(topology.ports().of(Site.BEIJING).fwd())) {
         String secret = config(Site.BEIJING).peer(GUANGXI).orElseThrow().sharedSecret();
         assertEquals(CmppResult.CONNECT_OK, peer.login(GUANGXI, secret));
         assertEquals(CmppResult.OK, peer.report(GUANGXI, Site.BEIJING.code(), msgId, handset, "DELIVRD"),
                      "the late report is answered Result 0, so Guangxi does not send it again for hours");
      }
      FwdLinkControlMBean link = (FwdLinkControlMBean) beijing.server().getManagementService()
         .getResource(FwdLinkService.resourceName(GUANGXI));
      assertEquals(1, link.getReportsMadeHere(), "Beijing made one final report itself");
      assertEquals(1, link.getReportsRepeated(), "and took Guangxi's late one for a repeat");

      Wait.until("Beijing's queues for reports and for Sina drained", TIMEOUT,
                 () -> beijing.messageCount(SmsAddresses.DR) == 0
                          && beijing.messageCount(SmsAddresses.accountQueue(MultiGatewayTopology.SINA_SP_ID)) == 0);
      List<ReadBillingWithJms.BillingRecord> records = ReadBillingWithJms.read(beijing.coreUrl(), TIMEOUT, Duration.ofSeconds(1))
         .stream().filter(r -> smsId.equals(r.property("smsId"))).toList();
      assertEquals(1, records.size(), "Beijing bills the MT once: " + records);
      assertEquals("UNKNOWN", records.get(0).property("smsStatus"));
      assertEquals("112", records.get(0).property("smsErrorCode"));
      assertEquals("02", records.get(0).property("smsFeeType"), "the MT's fee fields: " + records.get(0));
      assertEquals(1, sina.count(reportOf(msgId)), "exactly one status report for " + smsId);

      assertEquals(0, guangxi.messageCount(SmsAddresses.gatewayQueue(Site.BEIJING.code())), "nothing waits at Guangxi for Beijing");
      assertEquals(0, guangxi.messageCount("sms.dlq"), "nothing dead-lettered at Guangxi");
      assertEquals(0, beijing.messageCount("sms.dlq"), "nothing dead-lettered at Beijing");
   }

   private static GatewayConfig config(Site site) {
      return GatewayRuntime.of(topology.node(site).server()).config();
   }

   private static Predicate<CmppDeliverRequestMessage> reportOf(long msgId) {
      return d -> d.isReport() && SmsGateSp.msgId(d.getReportRequestMessage().getMsgId()) == msgId;
   }

   /** A FWD session on a plain socket, speaking as the peer gateway would (CMPP 3.0). */
   private static final class RawPeer implements AutoCloseable {

      private final RawFrameSocket socket;
      private int sequence = 7000;

      private RawPeer(RawFrameSocket socket) {
         this.socket = socket;
      }

      static RawPeer connect(int port) throws IOException {
         return new RawPeer(RawFrameSocket.connect(port));
      }

      int login(String code, String secret) throws IOException {
         // The peer's own link connects from this JVM too: a Timestamp second of its own, not a replay of its.
         long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), code);
         send(new Connect(++sequence, code, CmppAuthenticator.authenticatorSource(code, secret, timestamp), CMPP_30, timestamp));
         return read(ConnectResp.class).status();
      }

      /** A report FWD (type 2) on {@code msgId} for {@code handset}, as the gateway that had the MT sends it; its Result. */
      int report(String from, String to, long msgId, String handset, String stat) throws IOException {
         byte[] content = new StatusReport(msgId, stat, "2611271200", "2611271201", handset, 0).toBytes(CmppVersion.V30);
         send(new Fwd(++sequence, from, to, 1, Fwd.TYPE_MT_REPORT, msgId, 1, 1, 0, 0, "", 0, "", "", 0, 0, 0, 0, "", "", "",
                      "", "", handset, "", 0, 0, List.of(MultiGatewayTopology.SINA_SERVICE_NUMBER), "", 0, content, "", ""));
         return read(FwdResp.class).result();
      }

      private void send(CmppPdu pdu) throws IOException {
         socket.send(buf -> CmppCodec.encode(pdu, CmppVersion.V30, buf));
      }

      private <T extends CmppPdu> T read(Class<T> type) throws IOException {
         while (true) {
            CmppPdu pdu = socket.read((int) TIMEOUT.toMillis(), frame -> CmppCodec.decode(frame, CmppVersion.V30));
            if (pdu == null) {
               throw new IOException("no " + type.getSimpleName() + " within " + TIMEOUT);
            }
            if (type.isInstance(pdu)) {
               return type.cast(pdu);
            }
         }
      }

      @Override
      public void close() throws IOException {
         socket.close();
      }
   }
}
