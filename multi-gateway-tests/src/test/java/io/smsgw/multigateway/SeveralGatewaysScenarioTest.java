package io.smsgw.multigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.zx.sms.codec.cmpp.msg.CmppDeliverRequestMessage;
import com.zx.sms.codec.cmpp.msg.CmppReportRequestMessage;
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
import io.smsgw.cmpp.codec.MtRoute;
import io.smsgw.cmpp.codec.MtRouteResp;
import io.smsgw.cmpp.codec.MtRouteUpdate;
import io.smsgw.cmpp.codec.MtRouteUpdateResp;
import io.smsgw.cmpp.codec.RouteUpdateType;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.cmppinterop.SmsGateSp;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.runtime.GatewayRuntime;
import io.smsgw.examples.ReadBillingWithJms;
import io.smsgw.examples.multigateway.CuttableLink;
import io.smsgw.examples.multigateway.GatewayNode;
import io.smsgw.examples.multigateway.LinkCutter;
import io.smsgw.examples.multigateway.MultiGatewayTopology;
import io.smsgw.examples.multigateway.Site;
import io.smsgw.examples.multigateway.TopologyPorts;
import io.smsgw.simulator.MoMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, "several gateways": five gateways on loopback (the tandem, Beijing 001001 and Tianjin 022001 in the
 * north, Guangzhou 020001 and Guangxi 077101 in the south), each regional one with its carrier SMSC, and Sina
 * (SMSGate, SP 901234, service number 1065712345) connected to Beijing and Guangzhou. Nobody but the tandem
 * knows where Sina or a handset is served: Tianjin and Guangxi ask it, and it answers by their region.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeveralGatewaysScenarioTest {

   private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
   private static final Duration TIMEOUT = Duration.ofSeconds(20);
   private static final Duration RECEIPT_DELAY = Duration.ofMillis(100);
   private static final int MO_DURING_CUT = 5;

   @TempDir
   static Path workDir;

   private static final int CMPP_30 = 0x30;
   /** Seconds of silence before SMSGate probes the link; longer than the test. */
   private static final int IDLE_SECONDS = 300;

   private static MultiGatewayTopology topology;
   private static SmsGateSp sinaBeijing;
   private static SmsGateSp sinaGuangzhou;
   /** The Msg_Id of the MT Sina sent at Beijing and Guangxi reported (test 3). */
   private static volatile long reportedMsgId;

   @BeforeAll
   static void startFiveGatewaysAndConnectSina() throws Exception {
      topology = MultiGatewayTopology.start(new MultiGatewayTopology.Settings(workDir, TopologyPorts.free(), RECEIPT_DELAY));
      Wait.until("every carrier SMSC link bound", START_TIMEOUT, topology::carrierLinksBound);
      assertEquals(MultiGatewayTopology.SINA_SP_ID, SmsGateSp.SP_ID, "SmsGateSp logs in with Sina's account");
      assertEquals(MultiGatewayTopology.SINA_SERVICE_NUMBER, SmsGateSp.SP_CODE);
      sinaBeijing = SmsGateSp.connect("sina-beijing", topology.ports().of(Site.BEIJING).cmpp(), CMPP_30, IDLE_SECONDS, START_TIMEOUT);
      sinaGuangzhou = SmsGateSp.connect("sina-guangzhou", topology.ports().of(Site.GUANGZHOU).cmpp(), CMPP_30, IDLE_SECONDS, START_TIMEOUT);
   }

   @AfterAll
   static void stopEverything() throws Exception {
      try {
         if (sinaBeijing != null) {
            sinaBeijing.close();
         }
         if (sinaGuangzhou != null) {
            sinaGuangzhou.close();
         }
      } finally {
         EndpointManager.INS.removeAll();
         if (topology != null) {
            topology.close();
         }
      }
   }

   @Test
   @Order(1)
   void moFromATianjinHandsetReachesSinaAtBeijing() throws Exception {
      assertMoReachesOnly(Site.TIANJIN, 1, "north MO from Tianjin", sinaBeijing, sinaGuangzhou);
   }

   @Test
   @Order(2)
   void moFromAGuangxiHandsetReachesSinaAtGuangzhou() throws Exception {
      assertMoReachesOnly(Site.GUANGXI, 2, "south MO from Guangxi", sinaGuangzhou, sinaBeijing);
   }

   @Test
   @Order(3)
   void mtFromSinaAtBeijingLeavesThroughGuangxiAndIsReportedAndBilledAtBeijing() throws Exception {
      String handset = Site.GUANGXI.handset(3);
      String text = "MT from Sina at Beijing";
      CmppSubmitRequestMessage submit = CmppSubmitRequestMessage.create(handset, MultiGatewayTopology.SINA_SERVICE_NUMBER, text);
      submit.setRegisteredDelivery((short) 1);
      submit.setServiceId("NEWS");
      submit.setFeeType("02");
      submit.setFeeCode("000010");
      List<CmppSubmitResponseMessage> responses = sinaBeijing.submit(submit, TIMEOUT);
      assertEquals(1, responses.size(), "a short text goes in one SUBMIT");
      assertEquals(0, responses.get(0).getResult(), "Beijing took the MT");
      long msgId = SmsGateSp.msgId(responses.get(0).getMsgId());
      String smsId = CmppMsgId.toHex(msgId);
      reportedMsgId = msgId;

      GatewayNode guangxi = topology.node(Site.GUANGXI);
      Wait.until("the MT at Guangxi's carrier SMSC", TIMEOUT,
                 () -> guangxi.carrierSubmits().stream().anyMatch(s -> s.destination().equals(handset) && s.text().equals(text)));
      for (Site other : List.of(Site.BEIJING, Site.GUANGZHOU, Site.TIANJIN)) {
         assertTrue(topology.node(other).carrierSubmits().stream().noneMatch(s -> s.text().equals(text)),
                    "only Guangxi's carrier serves 1380771xxxx, not " + other.id());
      }

      CmppDeliverRequestMessage deliver = sinaBeijing.awaitDeliver("Sina's status report on " + smsId + " at Beijing",
                                                                   reportOf(msgId), TIMEOUT);
      CmppReportRequestMessage report = deliver.getReportRequestMessage();
      assertEquals("DELIVRD", report.getStat());
      assertEquals(handset, report.getDestterminalId());
      assertEquals(0, sinaGuangzhou.count(reportOf(msgId)), "the report goes where the MT was submitted");

      List<ReadBillingWithJms.BillingRecord> records = ReadBillingWithJms.read(topology.node(Site.BEIJING).coreUrl(), TIMEOUT,
                                                                                Duration.ofMillis(500))
         .stream().filter(r -> smsId.equals(r.property("smsId"))).toList();
      assertEquals(1, records.size(), "Beijing writes one billing record for " + smsId + ": " + records);
      ReadBillingWithJms.BillingRecord record = records.get(0);
      assertEquals(MultiGatewayTopology.SINA_SP_ID, record.property("smsAccount"));
      assertEquals("DELIVRD", record.property("smsStatus"));
      assertEquals("02", record.property("smsFeeType"), "the MT's fee type: " + record);
      assertEquals("000010", record.property("smsFeeCode"), "the MT's fee code: " + record);
      assertEquals(Boolean.TRUE, record.property("smsBillable"));
      assertEquals(0, guangxi.messageCount("billing-demo.records"), "Guangxi forwards the report unbilled; the origin bills");
   }

   @Test
   @Order(4)
   void aReportFromAPeerTheMtDidNotGoToIsRefusedAndReachesNeitherSinaNorBilling() throws Exception {
      long forwardedToGuangxi = reportedMsgId;
      assertTrue(forwardedToGuangxi != 0, "the MT of the previous test was reported");
      long neverForwarded = new CmppMsgId(11, 27, 12, 0, 0, Integer.parseInt(Site.BEIJING.code()), 4242).toLong();
      String tianjin = Site.TIANJIN.code();
      String pairSecret = config(Site.BEIJING).peer(tianjin).orElseThrow().sharedSecret();
      try (RawCmpp peer = RawCmpp.connect(topology.ports().of(Site.BEIJING).fwd())) {
         assertEquals(CmppResult.CONNECT_OK, peer.login(tianjin, pairSecret), "Tianjin is an authenticated, allowed peer");
         assertEquals(CmppResult.FWD_WRONG_DECISION, peer.report(tianjin, Site.BEIJING.code(), forwardedToGuangxi, "UNDELIV"),
                      "Tianjin reports on Sina's MT, which went to Guangxi");
         assertEquals(CmppResult.FWD_WRONG_DECISION, peer.report(tianjin, Site.BEIJING.code(), neverForwarded, "DELIVRD"),
                      "Tianjin reports on a Msg_Id of Beijing's that went nowhere");
      }
      GatewayNode beijing = topology.node(Site.BEIJING);
      Wait.until("Beijing's queue for Sina drained", TIMEOUT,
                 () -> beijing.messageCount(SmsAddresses.accountQueue(MultiGatewayTopology.SINA_SP_ID)) == 0);
      assertEquals(1, sinaBeijing.count(reportOf(forwardedToGuangxi)), "Sina has Guangxi's report only");
      assertEquals(0, sinaBeijing.count(reportOf(neverForwarded)) + sinaGuangzhou.count(reportOf(neverForwarded)));
      List<ReadBillingWithJms.BillingRecord> records = ReadBillingWithJms.read(beijing.coreUrl(), Duration.ofSeconds(1), Duration.ofMillis(500))
         .stream().filter(r -> CmppMsgId.toHex(forwardedToGuangxi).equals(r.property("smsId"))
                               || CmppMsgId.toHex(neverForwarded).equals(r.property("smsId"))).toList();
      assertEquals(List.of(), records, "no billing record beyond the one already read for Guangxi's report");
   }

   @Test
   @Order(5)
   void mosSentWhileTheTianjinBeijingLinkIsCutArriveExactlyOnceWhenItIsBack() throws Exception {
      GatewayNode tianjin = topology.node(Site.TIANJIN);
      GatewayNode beijing = topology.node(Site.BEIJING);
      String towardsBeijing = SmsAddresses.gatewayQueue(Site.BEIJING.code());
      topology.cut(Site.TIANJIN, Site.BEIJING);
      for (int i = 1; i <= MO_DURING_CUT; i++) {
         injectMo(Site.TIANJIN, Site.TIANJIN.handset(100 + i), "during the cut " + i);
      }
      Wait.until("the MOs waiting at Tianjin for Beijing", TIMEOUT, () -> tianjin.messageCount(towardsBeijing) == MO_DURING_CUT);
      for (int i = 1; i <= MO_DURING_CUT; i++) {
         assertEquals(0, sinaBeijing.count(mo("during the cut " + i)), "nothing crosses a cut link");
      }

      topology.restore(Site.TIANJIN, Site.BEIJING);
      Wait.until("every MO of the cut at Sina's Beijing connection", TIMEOUT, () -> {
         for (int i = 1; i <= MO_DURING_CUT; i++) {
            if (sinaBeijing.count(mo("during the cut " + i)) == 0) {
               return false;
            }
         }
         return true;
      });
      // Everything acknowledged end to end: Tianjin's FWD queue and Beijing's queues for Sina are empty, so
      // no resent copy is still on its way.
      Wait.until("Tianjin's FWD queue and Beijing's queues drained", TIMEOUT,
                 () -> tianjin.messageCount(towardsBeijing) == 0 && beijing.messageCount(SmsAddresses.MO) == 0
                          && beijing.messageCount(SmsAddresses.accountQueue(MultiGatewayTopology.SINA_SP_ID)) == 0);
      for (int i = 1; i <= MO_DURING_CUT; i++) {
         String text = "during the cut " + i;
         assertEquals(1, sinaBeijing.count(mo(text)), "exactly once: " + text);
         assertEquals(0, sinaGuangzhou.count(mo(text)), text + " is a north MO");
      }
   }

   @Test
   @Order(6)
   void anMoWhoseFwdAnswerIsLostIsResentButArrivesOnce() throws Exception {
      LinkCutter towardsBeijing = topology.cutter(new CuttableLink(Site.TIANJIN, Site.BEIJING));
      String text = "answer lost";
      towardsBeijing.swallowAnswers(true);
      injectMo(Site.TIANJIN, Site.TIANJIN.handset(200), text);
      // Beijing stored and delivered it, but Tianjin never got the FWD_RESP: it resends after the reconnect.
      Wait.until("the MO at Sina's Beijing connection", TIMEOUT, () -> sinaBeijing.count(mo(text)) == 1);
      topology.cut(Site.TIANJIN, Site.BEIJING);
      towardsBeijing.swallowAnswers(false);
      topology.restore(Site.TIANJIN, Site.BEIJING);

      GatewayNode tianjin = topology.node(Site.TIANJIN);
      GatewayNode beijing = topology.node(Site.BEIJING);
      Wait.until("the resent FWD answered and Beijing's queue for Sina drained", TIMEOUT,
                 () -> tianjin.messageCount(SmsAddresses.gatewayQueue(Site.BEIJING.code())) == 0
                          && beijing.messageCount(SmsAddresses.accountQueue(MultiGatewayTopology.SINA_SP_ID)) == 0);
      assertEquals(1, sinaBeijing.count(mo(text)), "exactly once although Tianjin sent the FWD twice");
   }

   @Test
   @Order(7)
   void aPeersCredentialsOpenNothingOnAnSpAcceptor() throws Exception {
      String tianjin = Site.TIANJIN.code();
      String pairSecret = config(Site.BEIJING).peer(tianjin).orElseThrow().sharedSecret();
      String gnsSecret = config(Site.TANDEM).tandem().gateways().get(tianjin).sharedSecret();
      try (RawCmpp onSpPort = RawCmpp.connect(topology.ports().of(Site.BEIJING).cmpp())) {
         assertEquals(CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR, onSpPort.login(tianjin, pairSecret),
                      "Tianjin's code and secret open no FWD session on the port Sina uses");
      }
      try (RawCmpp onSpPort = RawCmpp.connect(topology.ports().of(Site.TANDEM).cmpp())) {
         assertEquals(CmppResult.CONNECT_ILLEGAL_SOURCE_ADDR, onSpPort.login(tianjin, gnsSecret),
                      "nor a GNS session on the tandem's SP port");
      }
      try (RawCmpp onGatewayPort = RawCmpp.connect(topology.ports().of(Site.BEIJING).fwd())) {
         assertEquals(CmppResult.CONNECT_OK, onGatewayPort.login(tianjin, pairSecret), "the acceptor for gateways takes it");
      }
   }

   @Test
   @Order(8)
   void atTheTandemTianjinChangesItsOwnRouteButNotGuangxis() throws Exception {
      String tianjin = Site.TIANJIN.code();
      String gnsSecret = config(Site.TANDEM).tandem().gateways().get(tianjin).sharedSecret();
      try (RawCmpp gns = RawCmpp.connect(topology.ports().of(Site.TANDEM).fwd())) {
         assertEquals(CmppResult.CONNECT_OK, gns.login(tianjin, gnsSecret));
         MtRouteResp guangxis = gns.mtRoute(tianjin, Site.GUANGXI.handset(1));
         assertEquals(Site.GUANGXI.code(), guangxis.destinationId());
         MtRouteUpdateResp takeover = gns.updateMt(new MtRouteUpdate(gns.nextSequence(), RouteUpdateType.MODIFY, guangxis.routeId(),
            tianjin, "", 0, guangxis.startId(), guangxis.endId(), guangxis.areaCode(), guangxis.userType()));
         assertEquals(CmppResult.GNS_UPDATE_NOT_ACCEPTED, takeover.result(), "Tianjin may not take Guangxi's handsets");
         assertEquals(Site.GUANGXI.code(), gns.mtRoute(tianjin, Site.GUANGXI.handset(1)).destinationId(), "the route stays Guangxi's");

         MtRouteResp own = gns.mtRoute(tianjin, Site.TIANJIN.handset(1));
         assertEquals(tianjin, own.destinationId());
         MtRouteUpdateResp changed = gns.updateMt(new MtRouteUpdate(gns.nextSequence(), RouteUpdateType.MODIFY, own.routeId(),
            tianjin, "", 0, own.startId(), own.endId(), own.areaCode(), own.userType()));
         assertEquals(CmppResult.GNS_OK, changed.result(), "its own route it may change");
      }
      String handset = Site.GUANGXI.handset(7);
      String text = "after Tianjin's refused takeover";
      List<CmppSubmitResponseMessage> responses =
         sinaBeijing.submit(CmppSubmitRequestMessage.create(handset, MultiGatewayTopology.SINA_SERVICE_NUMBER, text), TIMEOUT);
      assertEquals(0, responses.get(0).getResult());
      GatewayNode guangxi = topology.node(Site.GUANGXI);
      Wait.until("Sina's MT still leaves through Guangxi", TIMEOUT,
                 () -> guangxi.carrierSubmits().stream().anyMatch(s -> s.destination().equals(handset) && s.text().equals(text)));
   }

   private static GatewayConfig config(Site site) {
      return GatewayRuntime.of(topology.node(site).server()).config();
   }

   /** A CMPP connection on a plain socket, speaking as another gateway would (CMPP 3.0). */
   private static final class RawCmpp implements AutoCloseable {

      private final RawFrameSocket socket;
      private int sequence = 9000;

      private RawCmpp(RawFrameSocket socket) {
         this.socket = socket;
      }

      static RawCmpp connect(int port) throws IOException {
         return new RawCmpp(RawFrameSocket.connect(port));
      }

      int nextSequence() {
         return ++sequence;
      }

      int login(String code, String secret) throws IOException {
         // Tianjin's own links connect from this JVM too: a Timestamp second of its own, not a replay of theirs.
         long timestamp = CmppTimestamp.forConnect(Clock.systemDefaultZone(), code);
         send(new Connect(nextSequence(), code, CmppAuthenticator.authenticatorSource(code, secret, timestamp), 0x30, timestamp));
         return read(ConnectResp.class).status();
      }

      MtRouteResp mtRoute(String code, String number) throws IOException {
         send(new MtRoute(nextSequence(), code, number));
         return read(MtRouteResp.class);
      }

      /** A report FWD (type 2) on {@code msgId} with {@code stat}, as the gateway that had the MT sends it; its Result. */
      int report(String from, String to, long msgId, String stat) throws IOException {
         byte[] content = new io.smsgw.cmpp.codec.StatusReport(msgId, stat, "2611271200", "2611271201", Site.GUANGXI.handset(3), 0)
            .toBytes(CmppVersion.V30);
         send(new io.smsgw.cmpp.codec.Fwd(nextSequence(), from, to, 1, io.smsgw.cmpp.codec.Fwd.TYPE_MT_REPORT, msgId, 1, 1, 0, 0,
            "", 0, "", "", 0, 0, 0, 0, "", "", "", "", "", Site.GUANGXI.handset(3), "", 0, 0,
            List.of(MultiGatewayTopology.SINA_SERVICE_NUMBER), "", 0, content, "", ""));
         return read(io.smsgw.cmpp.codec.FwdResp.class).result();
      }

      MtRouteUpdateResp updateMt(MtRouteUpdate update) throws IOException {
         send(update);
         return read(MtRouteUpdateResp.class);
      }

      private void send(CmppPdu pdu) throws IOException {
         socket.send(buf -> CmppCodec.encode(pdu, CmppVersion.V30, buf));
      }

      /** The next PDU of {@code type}; pushes and probes on the way are skipped. */
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

   /** An MO from handset {@code subscriber} of {@code site} reaches Sina's connection {@code expected}, and not {@code other}. */
   private static void assertMoReachesOnly(Site site, int subscriber, String text, SmsGateSp expected, SmsGateSp other) throws Exception {
      injectMo(site, site.handset(subscriber), text);
      CmppDeliverRequestMessage mo = expected.awaitDeliver("the " + site.id() + " MO \"" + text + "\" at Sina", mo(text), TIMEOUT);
      assertEquals(site.handset(subscriber), mo.getSrcterminalId());
      assertEquals(MultiGatewayTopology.SINA_SERVICE_NUMBER, mo.getDestId());
      assertEquals(0, other.count(mo(text)), "a " + site.region() + " MO goes to Sina's " + site.region() + " gateway only");
   }

   /** An MO with this text. */
   private static Predicate<CmppDeliverRequestMessage> mo(String text) {
      return d -> !d.isReport() && text.equals(d.getMsgContent());
   }

   /** The status report on {@code msgId}. */
   private static Predicate<CmppDeliverRequestMessage> reportOf(long msgId) {
      return d -> d.isReport() && SmsGateSp.msgId(d.getReportRequestMessage().getMsgId()) == msgId;
   }

   /** An MO from {@code handset} to Sina, injected at the carrier SMSC of {@code site}, which the gateway must take. */
   private static void injectMo(Site site, String handset, String text) throws Exception {
      int status = topology.node(site).carrier()
         .injectMo(site.id(), MoMessage.text(handset, MultiGatewayTopology.SINA_SERVICE_NUMBER, text))
         .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      assertEquals(0, status, site.id() + " took the MO (deliver_sm_resp)");
   }
}
