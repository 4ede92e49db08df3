package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.smsgw.broker.testing.Wait;
import io.smsgw.cmpp.codec.ActiveTest;
import io.smsgw.cmpp.codec.CmppAuthenticator;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Connect;
import io.smsgw.cmpp.codec.GetMoRoute;
import io.smsgw.cmpp.codec.GetMtRoute;
import io.smsgw.cmpp.codec.MoRoute;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.cmpp.codec.FwdResp;
import io.smsgw.cmpp.codec.MtRouteUpdate;
import io.smsgw.cmpp.codec.RouteUpdateType;
import io.smsgw.cmpp.gns.CmppSocket;
import io.smsgw.cmpp.gns.TandemService;
import io.smsgw.cmpp.codec.StatusReport;
import io.smsgw.core.config.GatewayConfigLocator;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.jsmpp.bean.MessageState;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing across gateways with real brokers: a tandem gateway (GNS) and two gateways, Beijing (north, SMSC for
 * 138) and Guangzhou (south, SMSC for 139 and 136, home of SP 901234 "Sina", SP_Code 10661234), peering over
 * CMPP_FWD. Each gateway runs the routing plugin with its route cache; MT and MO that no local route covers follow
 * the tandem's routes.
 */
class NetworkRoutingTest {

   private static final String BEIJING = "001001";
   private static final String GUANGZHOU = "020001";
   private static final String GUANGXI = "077101";
   private static final String SINA = "10661234";
   private static final String SP = GatewayBroker.SP_ACCOUNT;
   private static final String PEER_SECRET = "bj-gz";

   @TempDir
   Path dir;

   private final int tandemPort = freePort();
   private final int beijingPort = freePort();
   private final int guangzhouPort = freePort();
   private final int guangxiPort = freePort();
   private JsmppSmsc beijingSmsc;
   private JsmppSmsc guangzhouSmsc;
   private GatewayBroker tandem;
   private GatewayBroker beijing;
   private GatewayBroker guangzhou;

   private static int freePort() {
      try {
         return JsmppSmsc.freePort();
      } catch (java.io.IOException e) {
         throw new java.io.UncheckedIOException(e);
      }
   }

   @BeforeEach
   void smscs() throws Exception {
      beijingSmsc = new JsmppSmsc(freePort());
      guangzhouSmsc = new JsmppSmsc(freePort());
   }

   @AfterEach
   void stopAll() throws Exception {
      for (AutoCloseable c : new AutoCloseable[] {beijing, guangzhou, tandem, beijingSmsc, guangzhouSmsc}) {
         if (c != null) {
            c.close();
         }
      }
   }

   private String tandemConf(String extraMtRoutes) {
      return tandemConf(extraMtRoutes, "");
   }

   private String tandemConf(String extraMtRoutes, String extraMoRoutes) {
      return """
         gateway { code = "000001", name = "tandem" }
         tandem {
           gateways {
             "001001" { host = "127.0.0.1", port = %d, region = north, shared-secret = "bj" }
             "020001" { host = "127.0.0.1", port = %d, region = south, shared-secret = "gz" }
             "077101" { host = "127.0.0.1", port = 7930, region = south, shared-secret = "gx" }
           }
           mt-routes = [
             { start = "1380000", end = "1389999", gateway = "001001" }
             { start = "1390000", end = "1399999", gateway = "020001" }
             { start = "1370000", end = "1379999", gateway = "001001" }
             { start = "1350000", end = "1359999", gateway = "077101" }
             %s
           ]
           mo-routes = [
             { sp-code = "%s", sp-id = "901234", gateway = "020001", regions = [ north, south ] }
             %s
           ]
         }
         """.formatted(beijingPort, guangzhouPort, extraMtRoutes, SINA, extraMoRoutes);
   }

   private String gatewayConf(String code, String tandemSecret, String peer, int peerPort, JsmppSmsc smsc,
                              String localPrefixes, String moRoutes, String otherPeers) {
      StringBuilder mt = new StringBuilder();
      for (String prefix : localPrefixes.split(",")) {
         mt.append(mt.isEmpty() ? "" : ", ").append("{ prefix = \"").append(prefix).append("\", links = [ smsc ] }");
      }
      return """
         gateway { code = "%s", max-hops = 5 }
         accounts { "901234" { password = "sina", protocols = [ CMPP ] } }
         gns { host = "127.0.0.1", port = %d, shared-secret = "%s", refresh = 0s, query-timeout = 2s,
               reconnect-min = 50ms, reconnect-max = 300ms }
         peers {
           "%s" { host = "127.0.0.1", port = %d, shared-secret = "%s", window = 4,
                  reconnect-min = 50ms, reconnect-max = 300ms, response-timeout = 5s }
           %s
         }
         links { smsc { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms } }
         routes { mt = [ %s ], mo = [ %s ] }
         """.formatted(code, tandemPort, tandemSecret, peer, peerPort, PEER_SECRET, otherPeers, smsc.port(), mt, moRoutes);
   }

   private void startTandem(String extraMtRoutes) throws Exception {
      tandem = GatewayBroker.start(dir.resolve("tandem"), "000001", tandemPort, tandemConf(extraMtRoutes));
   }

   private void startBeijing() throws Exception {
      beijing = GatewayBroker.start(dir.resolve("beijing"), BEIJING, beijingPort,
                                    gatewayConf(BEIJING, "bj", GUANGZHOU, guangzhouPort, beijingSmsc, "138", "", ""));
   }

   private void startGuangzhou() throws Exception {
      startGuangzhou("");
   }

   /** Guangzhou, its SP also serving the service numbers {@code moPrefixes} (comma-separated). */
   private void startGuangzhou(String moPrefixes) throws Exception {
      StringBuilder mo = new StringBuilder("{ prefix = \"" + SINA + "\", account = \"901234\" }");
      for (String prefix : moPrefixes.isEmpty() ? new String[0] : moPrefixes.split(",")) {
         mo.append(", { prefix = \"").append(prefix).append("\", account = \"901234\" }");
      }
      guangzhou = GatewayBroker.start(dir.resolve("guangzhou"), GUANGZHOU, guangzhouPort,
                                      gatewayConf(GUANGZHOU, "gz", BEIJING, beijingPort, guangzhouSmsc, "139,136",
                                                  mo.toString(),
                                                  // Guangxi peers with Guangzhou only; it is not running in these tests
                                                  "\"" + GUANGXI + "\" { host = \"127.0.0.1\", port = " + guangxiPort
                                                     + ", shared-secret = \"gz-gx\", reconnect-min = 50ms, reconnect-max = 300ms }"));
   }

   /** Beijing as above, its configuration read from a file a reload reads again (as {@code smsgw.config} names it). */
   private Path startBeijingFromFile() throws Exception {
      Path file = dir.resolve("beijing.conf");
      Files.writeString(file, beijingConf(""));
      System.setProperty(GatewayConfigLocator.PATH_PROPERTY, file.toString());
      try {
         beijing = GatewayBroker.start(dir.resolve("beijing"), BEIJING, beijingPort, beijingConf(""));
      } finally {
         System.clearProperty(GatewayConfigLocator.PATH_PROPERTY);
      }
      return file;
   }

   private String beijingConf(String extraPrefixes) {
      return gatewayConf(BEIJING, "bj", GUANGZHOU, guangzhouPort, beijingSmsc, "138" + extraPrefixes, "", "");
   }

   private void startNetwork() throws Exception {
      startTandem("");
      startBeijing();
      startGuangzhou();
      Wait.until("both route caches loaded", Duration.ofSeconds(15),
                 () -> beijing.routesAvailable() && guangzhou.routesAvailable());
      Wait.until("SMSC links bound", Duration.ofSeconds(15),
                 () -> beijingSmsc.hasBoundSession() && guangzhouSmsc.hasBoundSession());
   }

   /** Sina's MT submitted at Beijing, with an id Beijing issued; returns the id. */
   private String submitAtBeijing(String recipient) throws Exception {
      return submitAtBeijing(recipient, beijing.runtime().nextSmppMessageId(true));
   }

   /** As above, with the given id (an SMPP 3.3 session's has 8 hex digits). */
   private String submitAtBeijing(String recipient, String id) throws Exception {
      return submitAtBeijing(recipient, id, "Hello " + recipient);
   }

   /** As above, with the given text. */
   private String submitAtBeijing(String recipient, String id, String text) throws Exception {
      beijing.send(SmsAddresses.MT, m -> {
         m.setText(text);
         m.setStringProperty("smsKind", "MT");
         m.setStringProperty("smsId", id);
         m.setStringProperty("smsAccount", SP);
         m.setStringProperty("smsSource", SINA);
         m.setStringProperty("smsDestination", recipient);
         m.setStringProperty("smsServiceId", "NEWS");
         m.setStringProperty("smsFeeType", "02");
         m.setIntProperty("smsRegisteredDelivery", 1);
      });
      return id;
   }

   /** The next report for Sina at Beijing, which must be about {@code id}. */
   private Message reportAtBeijing(String id) throws Exception {
      Message report = beijing.receive(SmsAddresses.accountQueue(SP));
      assertNotNull(report, "a report for " + id + " reaches Sina at Beijing");
      assertEquals("DR", report.getStringProperty("smsKind"));
      assertEquals(id, report.getStringProperty("smsId"));
      return report;
   }

   @Test
   void anMtForGuangzhousSegmentLeavesThroughItsSmscAndTheReportIsBilledAtBeijing() throws Exception {
      startNetwork();
      String id = submitAtBeijing("13900139000");

      JsmppSmsc.Received atSmsc = guangzhouSmsc.submits.poll(15, TimeUnit.SECONDS);
      assertNotNull(atSmsc, "the MT left through Guangzhou's SMSC link");
      assertEquals("13900139000", atSmsc.destination());
      assertEquals("Hello 13900139000", new String(atSmsc.shortMessage(), StandardCharsets.US_ASCII));
      assertNull(beijingSmsc.submits.poll(0, TimeUnit.SECONDS), "not through Beijing's");

      guangzhouSmsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
      Message report = reportAtBeijing(id);
      assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
      Message record = beijing.receive(GatewayBroker.BILLING_QUEUE);
      assertNotNull(record, "Beijing, where the MT was submitted, writes the billing record");
      assertEquals(id, record.getStringProperty("smsId"));
      assertEquals(SP, record.getStringProperty("smsAccount"));
      assertTrue(record.getBooleanProperty("smsBillable"));
      assertEquals(0, guangzhou.messageCount(GatewayBroker.BILLING_QUEUE), "Guangzhou bills nothing");
      assertEquals(0, beijing.routing().getWaitedForRoute(), "the route was in the cache loaded at start");
      assertEquals(1, beijing.routing().getRoutedToGateways());
   }

   /**
    * Beijing, where the MT was submitted, decides whether its submitter gets the report, by the registered delivery and
    * protocol it remembers for the forward (not by what the peer's report FWD carries); Guangzhou sends every report
    * back and still asks its SMSC for each receipt.
    */
   @Test
   void theGatewayWhereTheMtWasSubmittedReportsOnlyWhatItsSubmitterAskedFor() throws Exception {
      startNetwork();
      String cmppNone = submitAtBeijing("13900139001", "CMPP", 0);
      String smppFailureOnlyDelivered = submitAtBeijing("13900139002", "SMPP", 2);
      String smppFailureOnly = submitAtBeijing("13900139003", "SMPP", 2);
      java.util.Map<String, JsmppSmsc.Received> atSmsc = new java.util.HashMap<>();
      for (int i = 0; i < 3; i++) {
         JsmppSmsc.Received mt = guangzhouSmsc.submits.poll(15, TimeUnit.SECONDS);
         assertNotNull(mt, "MT " + (i + 1) + " of 3 left through Guangzhou's SMSC link");
         assertEquals(1, mt.registeredDelivery(), "Guangzhou asks its SMSC for the receipt");
         atSmsc.put(mt.destination(), mt);
      }

      guangzhouSmsc.sendReceipt(atSmsc.get("13900139001"), DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
      guangzhouSmsc.sendReceipt(atSmsc.get("13900139002"), DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
      java.util.Set<String> billed = new java.util.HashSet<>();
      for (int i = 0; i < 2; i++) {
         Message record = beijing.receive(GatewayBroker.BILLING_QUEUE);
         assertNotNull(record, "Beijing bills the report nobody asked for");
         billed.add(record.getStringProperty("smsId"));
      }
      assertEquals(java.util.Set.of(cmppNone, smppFailureOnlyDelivered), billed);

      guangzhouSmsc.sendReceipt(atSmsc.get("13900139003"), DeliveryReceiptState.UNDELIV, MessageState.UNDELIVERABLE);
      Message report = reportAtBeijing(smppFailureOnly); // the first report on Sina's queue
      assertEquals("UNDELIV", report.getStringProperty("smsStatus"));
      assertEquals(smppFailureOnly, beijing.receive(GatewayBroker.BILLING_QUEUE).getStringProperty("smsId"));
      assertEquals(0, guangzhou.messageCount(GatewayBroker.BILLING_QUEUE), "Guangzhou bills nothing");
      Wait.until("Beijing counted the two reports it did not send", Duration.ofSeconds(10),
                 () -> beijing.routing().getAccountCounters(SP)[6] == 2);
   }

   /** An MT of Sina at Beijing as an SMPP or CMPP head stores it, with that protocol's registered delivery. */
   private String submitAtBeijing(String recipient, String protocol, int registeredDelivery) throws Exception {
      String id = beijing.runtime().nextSmppMessageId(true);
      beijing.send(SmsAddresses.MT, m -> {
         m.setText("Hello " + recipient);
         m.setStringProperty("smsKind", "MT");
         m.setStringProperty("smsId", id);
         m.setStringProperty("smsAccount", SP);
         m.setStringProperty("smsProtocol", protocol);
         m.setStringProperty("smsProtocolVersion", protocol.equals("SMPP") ? "3.4" : "3.0");
         m.setStringProperty("smsSource", SINA);
         m.setStringProperty("smsDestination", recipient);
         m.setIntProperty("smsRegisteredDelivery", registeredDelivery);
      });
      return id;
   }

   @Test
   void aLongMtForGuangzhouReachesItsSmscWholeAndEachPartIsReportedAndBilledAtBeijing() throws Exception {
      startNetwork();
      StringBuilder news = new StringBuilder();
      for (int i = 0; news.length() < 200; i++) {
         news.append("Item ").append(i).append(" of the news. ");
      }
      String text = news.substring(0, 200); // more than one FWD carries (159 octets)
      String id = submitAtBeijing("13900139000", beijing.runtime().nextSmppMessageId(true), text);

      JsmppSmsc.Received[] parts = new JsmppSmsc.Received[2];
      for (int i = 0; i < 2; i++) {
         JsmppSmsc.Received part = guangzhouSmsc.submits.poll(15, TimeUnit.SECONDS);
         assertNotNull(part, "part " + (i + 1) + " left through Guangzhou's SMSC link");
         assertEquals("13900139000", part.destination());
         assertEquals(0x40, part.esmClass() & 0x40, "with a concatenation header");
         assertEquals(2, part.shortMessage()[4], "of two parts");
         parts[part.shortMessage()[5] - 1] = part;
      }
      assertEquals(parts[0].shortMessage()[3], parts[1].shortMessage()[3], "one reference for both");
      String joined = new String(parts[0].shortMessage(), 6, parts[0].shortMessage().length - 6, StandardCharsets.US_ASCII)
         + new String(parts[1].shortMessage(), 6, parts[1].shortMessage().length - 6, StandardCharsets.US_ASCII);
      assertEquals(text, joined, "the handset gets the whole text");
      assertNull(guangzhouSmsc.submits.poll(500, TimeUnit.MILLISECONDS), "each part once");
      assertNull(beijingSmsc.submits.poll(0, TimeUnit.SECONDS), "not through Beijing's");
      Wait.until("Beijing's FWD acknowledged", Duration.ofSeconds(10),
                 () -> beijing.messageCount(SmsAddresses.gatewayQueue(GUANGZHOU)) == 0);

      for (JsmppSmsc.Received part : parts) {
         guangzhouSmsc.sendReceipt(part, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
      }
      for (int i = 0; i < 2; i++) {
         assertEquals("DELIVRD", reportAtBeijing(id).getStringProperty("smsStatus"), "Sina hears of each part");
      }
      int segmentRecords = 0;
      int rollups = 0;
      for (int i = 0; i < 3; i++) {
         Message record = beijing.receive(GatewayBroker.BILLING_QUEUE);
         assertNotNull(record, "billing record " + (i + 1) + " at Beijing");
         assertEquals(id, record.getStringProperty("smsId"));
         assertEquals("DELIVRD", record.getStringProperty("smsStatus"));
         if (record.propertyExists("smsRollup") && record.getBooleanProperty("smsRollup")) {
            rollups++;
         } else {
            segmentRecords++;
            assertTrue(record.getBooleanProperty("smsBillable"));
         }
      }
      assertEquals(2, segmentRecords, "one record per part");
      assertEquals(1, rollups, "and the long message's rolled-up record");
      assertEquals(0, guangzhou.messageCount(GatewayBroker.BILLING_QUEUE), "Guangzhou bills nothing");
   }

   @Test
   void aNumberWrittenWithTheCountryCodeRoutesLikeItsNationalFormLocallyAndAcrossTheNetwork() throws Exception {
      startNetwork();
      submitAtBeijing("8613900139000");
      JsmppSmsc.Received atGuangzhou = guangzhouSmsc.submits.poll(15, TimeUnit.SECONDS);
      assertNotNull(atGuangzhou, "Guangzhou took the forward for its local route 139 and sent it to its SMSC");
      assertTrue(atGuangzhou.destination().endsWith("13900139000"), atGuangzhou.destination());

      String local = submitAtBeijing("+8613800138000");
      JsmppSmsc.Received atBeijing = beijingSmsc.submits.poll(15, TimeUnit.SECONDS);
      assertNotNull(atBeijing, "Beijing's own route 138 covers the number with +86 (no 'no local route' report for " + local + ")");
      assertTrue(atBeijing.destination().endsWith("13800138000"), atBeijing.destination());
      // The forward is acknowledged only once its record of the peer is durable (decision 95), which can come after the
      // SMSC has it: wait for it rather than read the depth once.
      Wait.until("nothing left waiting for Guangzhou", Duration.ofSeconds(10),
                 () -> beijing.messageCount(SmsAddresses.gatewayQueue(GUANGZHOU)) == 0);
   }

   @Test
   void anMtWithAnSmpp33IdForAnotherGatewayGetsAnUndeliveredReportInsteadOfBeingDeadLettered() throws Exception {
      startNetwork();
      // the id an SMPP 3.3 session's submit_sm_resp carries: 8 hex digits, no CMPP Msg_Id
      String id = submitAtBeijing("13900139000", beijing.runtime().nextSmppMessageId(false));
      Message report = reportAtBeijing(id);
      assertEquals("UNDELIV", report.getStringProperty("smsStatus"));
      assertEquals(MtRouteTransformer.NOT_FORWARDABLE, report.getStringProperty("smsErrorCode"));
      assertEquals("13900139000", report.getStringProperty("smsSource"));
      assertEquals(0, beijing.messageCount(SmsAddresses.gatewayQueue(GUANGZHOU)), "not queued for a FWD it cannot be");
      assertNull(guangzhouSmsc.submits.poll(0, TimeUnit.SECONDS));

      submitAtBeijing("13800138000", beijing.runtime().nextSmppMessageId(false));
      assertNotNull(beijingSmsc.submits.poll(15, TimeUnit.SECONDS), "a local route takes an 8-digit id as before");
   }

   @Test
   void routesTheCacheMissesAreResolvedOrReportedBackToTheSender() throws Exception {
      startNetwork();
      // a segment the tandem learnt after the gateways loaded their caches (no push): a miss at Beijing
      TandemService.of(tandem.runtime()).table().updateMt(GUANGZHOU,
         new MtRouteUpdate(0, RouteUpdateType.ADD, 0, GUANGZHOU, "", 0, "1360000", "1369999", "", 0),
         tandem.runtime().config().tandem(), change -> { });
      assertEquals(4, routeCache(beijing).getMtRouteCount(), "Beijing does not know it yet");
      submitAtBeijing("13600136000");
      JsmppSmsc.Received atSmsc = guangzhouSmsc.submits.poll(15, TimeUnit.SECONDS);
      assertNotNull(atSmsc, "the MT waited for the tandem's answer, then flowed to Guangzhou");
      assertEquals("13600136000", atSmsc.destination());
      // (whether it had to wait depends on how fast the tandem answered: the divert never waits for it)
      assertEquals(5, routeCache(beijing).getMtRouteCount(), "Beijing's cache learnt the segment from the answer");
      Wait.until("nothing left waiting", Duration.ofSeconds(10), () -> beijing.routing().getMessagesWaitingForRoute() == 0);

      String nowhere = submitAtBeijing("13300133000");
      Message noRoute = reportAtBeijing(nowhere);
      assertEquals("UNDELIV", noRoute.getStringProperty("smsStatus"));
      assertEquals(MtRouteTransformer.NO_ROUTE, noRoute.getStringProperty("smsErrorCode"), "the tandem has no route");
      assertEquals(1, routeCache(beijing).getRememberedMtMisses(), "the tandem's 'no route' is remembered");

      String home = submitAtBeijing("13700137000");
      assertEquals(MtRouteTransformer.NO_LOCAL_ROUTE, reportAtBeijing(home).getStringProperty("smsErrorCode"),
                   "the network says Beijing, which has no SMSC route for it");

      String stranger = submitAtBeijing("13500135000");
      assertEquals(MtRouteTransformer.NOT_A_PEER, reportAtBeijing(stranger).getStringProperty("smsErrorCode"),
                   "the network says Guangxi, which is not Beijing's peer");
      assertNull(beijingSmsc.submits.poll(0, TimeUnit.SECONDS));
   }

   @Test
   void anMoForSinaAtBeijingReachesSinaAtGuangzhou() throws Exception {
      startNetwork();
      beijingSmsc.sendMo("13800138000", SINA + "01", "TD");
      Message mo = guangzhou.receive(SmsAddresses.accountQueue(SP));
      assertNotNull(mo, "the MO crossed to Guangzhou, which serves Sina");
      assertEquals("MO", mo.getStringProperty("smsKind"));
      assertEquals("TD", ((TextMessage) mo).getText());
      assertEquals(SINA + "01", mo.getStringProperty("smsDestination"));
      assertEquals(BEIJING, mo.getStringProperty("smsOriginGateway"));

      beijingSmsc.sendMo("13800138000", "10669999", "nobody");
      Wait.until("an MO no gateway serves is kept unrouted", Duration.ofSeconds(15),
                 () -> beijing.messageCount(MoRouteTransformer.UNROUTED) == 1);
   }

   /**
    * The tandem gives the longest SP_Code the MO's service number starts with (decision 125); Beijing's route cache,
    * holding only the north's routes, must not answer with a shorter code it knows when a longer one exists for
    * another region: 106900012 belongs to a south-only SP, so an MO to 10690001234 has no route for Beijing, while
    * 10690009999 goes to 1069000's SP at Guangzhou.
    */
   @Test
   void anMoForALongerSpCodeOfAnotherRegionDoesNotReachTheSpOfTheShorterCodeBeijingKnows() throws Exception {
      tandem = GatewayBroker.start(dir.resolve("tandem"), "000001", tandemPort, tandemConf("", """
         { sp-code = "1069000", sp-id = "901234", gateway = "020001", regions = [ north, south ] }
         { sp-code = "106900012", sp-id = "901235", gateway = "077101", regions = [ south ] }
         """));
      startBeijing();
      startGuangzhou("1069000");
      Wait.until("both route caches loaded", Duration.ofSeconds(15),
                 () -> beijing.routesAvailable() && guangzhou.routesAvailable());
      Wait.until("Beijing's SMSC link bound", Duration.ofSeconds(15), beijingSmsc::hasBoundSession);

      beijingSmsc.sendMo("13800138000", "10690001234", "for the south's 106900012");
      beijingSmsc.sendMo("13800138000", "10690009999", "for 1069000");
      Wait.until("the MO for 106900012 is kept unrouted at Beijing", Duration.ofSeconds(15),
                 () -> beijing.messageCount(MoRouteTransformer.UNROUTED) == 1);
      Message mo = guangzhou.receive(SmsAddresses.accountQueue(SP));
      assertNotNull(mo, "the MO for 1069000 crossed to Guangzhou");
      assertEquals("10690009999", mo.getStringProperty("smsDestination"));
      Wait.until("nothing else on the way", Duration.ofSeconds(15),
                 () -> beijing.messageCount(SmsAddresses.gatewayQueue(GUANGZHOU)) == 0
                    && beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 0);
      assertEquals(0, guangzhou.messageCount(SmsAddresses.accountQueue(SP)), "1069000's SP got only its own MO");
   }

   @Test
   void aForwardGuangzhouCannotTakeGetsResult9AndNothingIsStored() throws Exception {
      startTandem("");
      startGuangzhou();
      Wait.until("route cache loaded", Duration.ofSeconds(15), guangzhou::routesAvailable);
      Wait.until("SMSC link bound", Duration.ofSeconds(15), guangzhouSmsc::hasBoundSession);
      long fromBeijing = new CmppMsgId(11, 26, 13, 45, 30, 1001, 1).toLong();
      long fromTianjin = new CmppMsgId(11, 26, 13, 45, 30, 22001, 1).toLong();
      try (CmppSocket peer = CmppSocket.connect(guangzhouPort)) {
         assertEquals(CmppResult.CONNECT_OK, peer.login(BEIJING, PEER_SECRET).status());
         assertEquals(CmppResult.FWD_WRONG_DECISION, forward(peer, Fwd.TYPE_MT, "13300133000", fromBeijing, 1),
                      "an MT nobody routes");
         assertEquals(CmppResult.FWD_WRONG_DECISION, forward(peer, Fwd.TYPE_MT, "13800138000", fromBeijing, 1),
                      "an MT whose route leads back to the sender");
         assertEquals(CmppResult.FWD_WRONG_DECISION, forward(peer, Fwd.TYPE_MO, "10669999", fromBeijing, 1),
                      "an MO for an SP nobody serves");
         // refused by the forward records (Guangzhou never handed that MT to Beijing), whoever issued its id
         assertEquals(CmppResult.FWD_WRONG_DECISION, forward(peer, Fwd.TYPE_MT_REPORT, "13900139000", fromTianjin, 1,
                      new StatusReport(fromTianjin, "DELIVRD", "2611261345", "2611261346", "13900139000", 0).toBytes(CmppVersion.V30)),
                      "a report on a message of a gateway that is not a peer");
         assertEquals(CmppResult.FWD_WRONG_DECISION, forward(peer, Fwd.TYPE_MT, "13500135000", fromBeijing, 5),
                      "an MT for Guangxi that one more hop would take past max-hops");
         assertEquals(CmppResult.OK, forward(peer, Fwd.TYPE_MT, "13900139000", fromBeijing + 1, 1),
                      "an MT for Guangzhou's own SMSC is taken");
         assertEquals(CmppResult.OK, forward(peer, Fwd.TYPE_MT, "13500135000", fromBeijing + 2, 1),
                      "an MT Guangzhou can route on to its peer Guangxi is taken");
      }
      JsmppSmsc.Received taken = guangzhouSmsc.submits.poll(15, TimeUnit.SECONDS);
      assertNotNull(taken);
      assertEquals("13900139000", taken.destination());
      assertNull(guangzhouSmsc.submits.poll(500, TimeUnit.MILLISECONDS), "only the accepted FWD went anywhere");
      assertEquals(0, guangzhou.messageCount(MoRouteTransformer.UNROUTED));
      assertEquals(0, guangzhou.messageCount(SmsAddresses.ROUTE_PENDING));
      assertEquals(0, guangzhou.messageCount(SmsAddresses.accountQueue(SP)));
      Wait.until("the MT for Guangxi waits for its link", Duration.ofSeconds(10),
                 () -> guangzhou.messageCount(SmsAddresses.gatewayQueue(GUANGXI)) == 1);
   }

   private static io.smsgw.cmpp.gns.client.RouteCacheControlMBean routeCache(GatewayBroker gateway) {
      return (io.smsgw.cmpp.gns.client.RouteCacheControlMBean) gateway.server().getManagementService().getUntypedControl("sms-route-cache");
   }

   private static int forward(CmppSocket peer, int type, String recipient, long msgId, int nodesCount) throws Exception {
      return forward(peer, type, recipient, msgId, nodesCount, "hi".getBytes(StandardCharsets.US_ASCII));
   }

   private static int forward(CmppSocket peer, int type, String recipient, long msgId, int nodesCount, byte[] content)
         throws Exception {
      peer.send(new Fwd(peer.nextSequence(), BEIJING, GUANGZHOU, nodesCount, type, msgId, 1, 1, 0, 0, "NEWS", 0, "", "", 0, 0, 0, 0,
                        SP, "02", "", "", "", "13800138000", "", 0, 0, List.of(recipient), "", 0, content, "", ""));
      return assertInstanceOf(FwdResp.class, peer.read()).result();
   }

   @Test
   void anMtWhoseValidityEndsWhileItWaitsForItsRouteGetsAnExpiredReport() throws Exception {
      startBeijing(); // the tandem is not there: every miss waits
      String id = beijing.runtime().nextSmppMessageId(true);
      beijing.send(SmsAddresses.MT, 1500, m -> {
         m.setText("Too late");
         m.setStringProperty("smsKind", "MT");
         m.setStringProperty("smsId", id);
         m.setStringProperty("smsAccount", SP);
         m.setStringProperty("smsSource", SINA);
         m.setStringProperty("smsDestination", "13900139002");
      });
      Wait.until("the MT waits for its route", Duration.ofSeconds(10),
                 () -> beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 1);
      Message expired = reportAtBeijing(id);
      assertEquals("EXPIRED", expired.getStringProperty("smsStatus"));
      assertEquals(0, beijing.messageCount(SmsAddresses.ROUTE_PENDING));
   }

   @Test
   void anApplicationsMoWithoutSmsKindAndItsMtWithLowerCaseKindMoveOnOnceTheTandemAnswers() throws Exception {
      startBeijing(); // the tandem is not there: every miss waits
      beijing.send(SmsAddresses.MT, m -> {
         m.setText("Hello");
         m.setStringProperty("smsKind", "mt");
         m.setStringProperty("smsAccount", SP);
         m.setStringProperty("smsSource", SINA);
         m.setStringProperty("smsDestination", "13900139003");
      });
      beijing.send(SmsAddresses.MO, m -> { // an MO as an application may write it: no smsKind (so MO), no smsId
         m.setText("TD");
         m.setStringProperty("smsSource", "13800138003");
         m.setStringProperty("smsDestination", SINA + "03");
      });
      Wait.until("both wait for their route", Duration.ofSeconds(10),
                 () -> beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 2);

      startTandem("");
      startGuangzhou();
      JsmppSmsc.Received mt = guangzhouSmsc.submits.poll(20, TimeUnit.SECONDS);
      assertNotNull(mt, "the MT moved on to Guangzhou's SMSC once the tandem answered");
      assertEquals("13900139003", mt.destination());
      Message mo = guangzhou.receive(SmsAddresses.accountQueue(SP));
      assertNotNull(mo, "the MO moved on to Sina at Guangzhou");
      assertEquals("TD", ((TextMessage) mo).getText());
      assertEquals(BEIJING, mo.getStringProperty("smsOriginGateway"));
      assertNotNull(mo.getStringProperty("smsId"), "Beijing gave it an id, which the forward carried");
      Wait.until("the pending queue is empty", Duration.ofSeconds(10),
                 () -> beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 0);
   }

   /**
    * A tandem that loads an empty table into the gateway and answers every MO_ROUTE with {@link #moRouteResult},
    * counting them (as Result 2 comes from a tandem whose reload removed the gateway while it stayed connected).
    */
   private static final class ErringTandem implements AutoCloseable {
      /** When each MO_ROUTE arrived (System.nanoTime). */
      final List<Long> moRoutes = new CopyOnWriteArrayList<>();
      final AtomicInteger moRouteResult = new AtomicInteger(CmppResult.GNS_BUSY);
      private final ServerSocket server;
      private final Thread thread;
      private volatile boolean closed;

      ErringTandem(int port, String secret) throws IOException {
         server = new ServerSocket(port);
         thread = new Thread(() -> serve(secret), "erring-tandem");
         thread.setDaemon(true);
         thread.start();
      }

      private void serve(String secret) {
         try (CmppSocket gateway = new CmppSocket(server.accept())) {
            Connect connect = gateway.read(Connect.class);
            gateway.send(connect.response(CmppResult.CONNECT_OK,
               CmppAuthenticator.authenticatorIsmg(0, connect.authenticatorSource(), secret, CmppVersion.V30), 0x30));
            gateway.send(gateway.read(GetMtRoute.class).errorResponse(CmppResult.GNS_NO_ROUTE));
            gateway.send(gateway.read(GetMoRoute.class).errorResponse(CmppResult.GNS_NO_ROUTE));
            while (!closed) {
               CmppPdu pdu = gateway.read(200);
               if (pdu instanceof MoRoute query) {
                  moRoutes.add(System.nanoTime());
                  gateway.send(query.errorResponse(moRouteResult.get()));
               } else if (pdu instanceof ActiveTest probe) {
                  gateway.send(probe.response());
               }
            }
         } catch (IOException e) {
            if (!closed) {
               throw new java.io.UncheckedIOException(e);
            }
         }
      }

      @Override
      public void close() throws Exception {
         closed = true;
         server.close();
         thread.join(5_000);
      }
   }

   @Test
   void aTandemAnsweringMoRouteWithAnErrorIsAskedAgainAtAPaceNotInALoop() throws Exception {
      try (ErringTandem erring = new ErringTandem(tandemPort, "bj")) {
         startBeijing();
         Wait.until("Beijing's route cache loaded", Duration.ofSeconds(15), beijing::routesAvailable);
         beijingSmsc.sendMo("13800138000", SINA + "01", "waits");
         Wait.until("the MO waits for its route", Duration.ofSeconds(15),
                    () -> beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 1);
         Wait.until("the tandem is asked again, four times in all", Duration.ofSeconds(15), () -> erring.moRoutes.size() >= 4);
         long spread = erring.moRoutes.get(3) - erring.moRoutes.get(0);
         // the pending scan runs once a second: three more queries at its pace take about 3 s, in a loop a few ms
         assertTrue(spread >= TimeUnit.MILLISECONDS.toNanos(2_000),
                    "four MO_ROUTE within " + TimeUnit.NANOSECONDS.toMillis(spread) + " ms");
         assertEquals(1, beijing.messageCount(SmsAddresses.ROUTE_PENDING), "the MO keeps waiting");

         erring.moRouteResult.set(CmppResult.GNS_NO_ROUTE);
         Wait.until("the MO moves on once the tandem answers", Duration.ofSeconds(15),
                    () -> beijing.messageCount(MoRouteTransformer.UNROUTED) == 1);
         assertEquals(0, beijing.messageCount(SmsAddresses.ROUTE_PENDING));
      }
   }

   @Test
   void whileTheTandemIsDownCachedRoutesServeAndMissesWaitEvenAcrossARestart() throws Exception {
      startNetwork();
      tandem.close();
      tandem = null;
      Wait.until("Beijing notices the tandem is gone", Duration.ofSeconds(15), () -> !beijing.routesAvailable());

      submitAtBeijing("13900139001");
      JsmppSmsc.Received cached = guangzhouSmsc.submits.poll(15, TimeUnit.SECONDS);
      assertNotNull(cached, "a cached route keeps serving");
      assertEquals("13900139001", cached.destination());

      String waiting = submitAtBeijing("13600136001");
      Wait.until("the miss waits", Duration.ofSeconds(15), () -> beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 1);
      assertEquals(1, beijing.routing().getWaitedForRoute());
      assertEquals(1, beijing.routing().getMessagesWaitingForRoute());

      beijing.close();
      startBeijing();
      assertEquals(1, beijing.messageCount(SmsAddresses.ROUTE_PENDING), "still waiting after Beijing's restart");

      startTandem("{ start = \"1360000\", end = \"1369999\", gateway = \"020001\" }");
      JsmppSmsc.Received resumed = guangzhouSmsc.submits.poll(20, TimeUnit.SECONDS);
      assertNotNull(resumed, "the waiting MT flowed once the tandem was back");
      assertEquals("13600136001", resumed.destination());
      Wait.until("the pending queue is empty", Duration.ofSeconds(10), () -> beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 0);

      guangzhouSmsc.sendReceipt(resumed, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
      assertEquals("DELIVRD", reportAtBeijing(waiting).getStringProperty("smsStatus"));
   }

   /**
    * An SMPP account's id is wider than FWD's Msg_src (6 characters), so the MT crosses without it; the report coming
    * back named no account and waited on sms.dr.unrouted, billed to nobody. Beijing's forward record names the account.
    */
   @Test
   void anSmppAccountWithALongIdGetsTheReportOfItsMtServedByGuangzhouAndIsBilledForIt() throws Exception {
      startNetwork();
      String account = "smppclient1";
      beijing.createQueue(SmsAddresses.accountQueue(account));
      String id = beijing.runtime().nextSmppMessageId(true);
      beijing.send(SmsAddresses.MT, m -> {
         m.setText("Hello");
         m.setStringProperty("smsKind", "MT");
         m.setStringProperty("smsId", id);
         m.setStringProperty("smsAccount", account);
         m.setStringProperty("smsProtocol", "SMPP");
         m.setStringProperty("smsProtocolVersion", "3.4");
         m.setStringProperty("smsSource", "10661234");
         m.setStringProperty("smsDestination", "13900139007");
         m.setStringProperty("smsFeeType", "02");
         m.setStringProperty("smsFeeCode", "10");
         m.setIntProperty("smsRegisteredDelivery", 1);
      });
      JsmppSmsc.Received atSmsc = guangzhouSmsc.submits.poll(15, TimeUnit.SECONDS);
      assertNotNull(atSmsc, "the MT left through Guangzhou's SMSC link");
      guangzhouSmsc.sendReceipt(atSmsc, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);

      Message report = beijing.receive(SmsAddresses.accountQueue(account));
      assertNotNull(report, "the report reaches the SMPP account at Beijing");
      assertEquals(id, report.getStringProperty("smsId"));
      assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
      Message record = beijing.receive(GatewayBroker.BILLING_QUEUE);
      assertNotNull(record, "Beijing bills the MT");
      assertEquals(account, record.getStringProperty("smsAccount"));
      assertEquals(id, record.getStringProperty("smsId"));
      assertEquals("10", record.getStringProperty("smsFeeCode"), "the fee fields as the MT left Beijing");
      assertEquals(0, beijing.messageCount(DrRouteTransformer.UNROUTED));
      assertEquals(0, guangzhou.messageCount(GatewayBroker.BILLING_QUEUE), "Guangzhou bills nothing");
   }

   /**
    * An application may give its MT its own 16-hex-digit id. Issued by no gateway of the network (or by the peer that
    * serves it), the report was refused on its way home (Result 9, dead-lettered) or kept by that peer; the MT now
    * crosses with an id of Beijing's, and its report comes back with the application's id.
    */
   @Test
   void anApplicationsMtWithItsOwnIdGetsItsReportFromTheGatewayThatServedIt() throws Exception {
      startNetwork();
      String stranger = CmppMsgId.toHex(new CmppMsgId(11, 26, 13, 45, 30, 555555, 7).toLong());
      String guangzhousCode = CmppMsgId.toHex(new CmppMsgId(11, 26, 13, 45, 30, 20001, 8).toLong());
      submitAtBeijing("13900139005", stranger);
      submitAtBeijing("13900139006", guangzhousCode);
      for (int i = 0; i < 2; i++) {
         JsmppSmsc.Received mt = guangzhouSmsc.submits.poll(15, TimeUnit.SECONDS);
         assertNotNull(mt, "MT " + (i + 1) + " of 2 left through Guangzhou's SMSC link");
         guangzhouSmsc.sendReceipt(mt, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
      }
      java.util.Set<String> reported = new java.util.HashSet<>();
      java.util.Set<String> billed = new java.util.HashSet<>();
      for (int i = 0; i < 2; i++) {
         Message report = beijing.receive(SmsAddresses.accountQueue(SP));
         assertNotNull(report, "report " + (i + 1) + " of 2 reaches Sina at Beijing");
         assertEquals("DELIVRD", report.getStringProperty("smsStatus"));
         reported.add(report.getStringProperty("smsId"));
         Message record = beijing.receive(GatewayBroker.BILLING_QUEUE);
         assertNotNull(record, "billing record " + (i + 1) + " at Beijing");
         billed.add(record.getStringProperty("smsId"));
      }
      assertEquals(java.util.Set.of(stranger, guangzhousCode), reported, "with the ids the application gave");
      assertEquals(java.util.Set.of(stranger, guangzhousCode), billed);
      assertEquals(0, guangzhou.messageCount(GatewayBroker.BILLING_QUEUE), "Guangzhou bills nothing");
      assertEquals(0, guangzhou.messageCount(SmsAddresses.accountQueue(SP)), "nor tells Sina there");
   }

   /**
    * A report on an MO (here a peer's Msg_Fwd_Type 3) bills nobody and goes to no SP: it is counted. Before, it wrote a
    * billing record and waited on sms.dr.unrouted.
    */
   @Test
   void aReportOnAnMoIsCountedNeitherBilledNorParked() throws Exception {
      startTandem("");
      startGuangzhou();
      Wait.until("route cache loaded", Duration.ofSeconds(15), guangzhou::routesAvailable);
      long moOfGuangzhou = new CmppMsgId(11, 26, 13, 45, 30, 20001, 9).toLong();
      byte[] content = new StatusReport(moOfGuangzhou, "DELIVRD", "2611261345", "2611261346", SINA + "01", 0)
         .toBytes(CmppVersion.V20);
      try (CmppSocket peer = CmppSocket.connect(guangzhouPort)) {
         assertEquals(CmppResult.CONNECT_OK, peer.login(BEIJING, PEER_SECRET).status());
         peer.send(new Fwd(peer.nextSequence(), BEIJING, GUANGZHOU, 1, Fwd.TYPE_MO_REPORT, moOfGuangzhou, 1, 1, 0, 0, "", 0,
                           "", "", 0, 0, 0, 0, "", "", "", "", "", SINA + "01", "", 0, 0, List.of("13800138000"), "", 0,
                           content, "", ""));
         assertEquals(CmppResult.OK, assertInstanceOf(FwdResp.class, peer.read()).result(), "stored");
      }
      Wait.until("the report was routed", Duration.ofSeconds(10),
                 () -> guangzhou.routing().getMoReports() == 1 || guangzhou.messageCount(GatewayBroker.BILLING_QUEUE) > 0
                    || guangzhou.messageCount(DrRouteTransformer.UNROUTED) > 0);
      assertEquals(0, guangzhou.messageCount(GatewayBroker.BILLING_QUEUE), "no billing record");
      assertEquals(0, guangzhou.messageCount(DrRouteTransformer.UNROUTED), "not parked for an SP");
      assertEquals(1, guangzhou.routing().getMoReports());
   }

   /**
    * An MT waiting for its route while the tandem is down moves on once a reload gives Beijing a local route for it;
    * before, the pending scan waited for the tandem and asked only the network's routes.
    */
   @Test
   void anMtWaitingForTheTandemLeavesThroughALocalRouteAReloadAdds() throws Exception {
      Path file = startBeijingFromFile(); // the tandem is not there: every miss waits
      String id = submitAtBeijing("13900139008");
      Wait.until("the MT waits for its route", Duration.ofSeconds(10),
                 () -> beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 1);
      Wait.until("Beijing's SMSC link bound", Duration.ofSeconds(15), beijingSmsc::hasBoundSession);

      Files.writeString(file, beijingConf(",139"));
      assertEquals("", beijing.routing().reload());
      JsmppSmsc.Received mt = beijingSmsc.submits.poll(15, TimeUnit.SECONDS);
      assertNotNull(mt, "the waiting MT left through the local route the reload added");
      assertEquals("13900139008", mt.destination());
      Wait.until("nothing waits", Duration.ofSeconds(10), () -> beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 0);
      beijingSmsc.sendReceipt(mt, DeliveryReceiptState.DELIVRD, MessageState.DELIVERED);
      assertEquals("DELIVRD", reportAtBeijing(id).getStringProperty("smsStatus"));
   }

   /**
    * The race decision 136 left on the pending queue: Sina's account queue (DROP) has room when the scan asks its store
    * and is full when the MO a reload's local route answers is stored there (a broker plugin shrinks its limit right
    * before). The broker's move had acknowledged the waiting MO anyway: it was gone. Now it stays waiting, and moves on
    * at the next scan once the queue has room.
    */
   @Test
   void aWaitingMoWhoseDropQueueFillsBetweenTheQuestionAndTheRouteStaysWaiting() throws Exception {
      Path file = startBeijingFromFile(); // the tandem is not there: every miss waits
      String account = SmsAddresses.accountQueue(SP);
      org.apache.activemq.artemis.api.core.SimpleString accountAddress = org.apache.activemq.artemis.api.core.SimpleString.of(account);
      var roomy = new org.apache.activemq.artemis.core.settings.impl.AddressSettings().setMaxSizeBytes(16 * 1024)
         .setAddressFullMessagePolicy(org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy.DROP);
      beijing.server().getAddressSettingsRepository().addMatch(account, roomy);
      var store = beijing.server().getPagingManager().getPageStore(accountAddress);
      store.applySetting(roomy);
      beijing.send(account, m -> m.setText("x".repeat(1024))); // far from 16 KiB, over the 512 bytes set below
      Wait.until("Sina's queue holds one", Duration.ofSeconds(10), () -> beijing.messageCount(account) == 1);
      java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
      beijing.server().registerBrokerPlugin(new org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin() {
         @Override
         public void beforeMessageRoute(org.apache.activemq.artemis.api.core.Message message,
                                        org.apache.activemq.artemis.core.server.RoutingContext context,
                                        boolean direct, boolean rejectDuplicates) {
            if (account.equals(message.getAddress()) && (SINA + "07").equals(String.valueOf(message.getObjectProperty("smsDestination")))
                && armed.compareAndSet(true, false)) {
               store.applySetting(new org.apache.activemq.artemis.core.settings.impl.AddressSettings().setMaxSizeBytes(512)
                  .setAddressFullMessagePolicy(org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy.DROP));
            }
         }
      });
      beijing.send(SmsAddresses.MO, m -> {
         m.setText("TD07");
         m.setStringProperty("smsKind", "MO");
         m.setStringProperty("smsSource", "13800138007");
         m.setStringProperty("smsDestination", SINA + "07");
      });
      Wait.until("the MO waits for its route", Duration.ofSeconds(10),
                 () -> beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 1);

      armed.set(true);
      String withMoRoute = gatewayConf(BEIJING, "bj", GUANGZHOU, guangzhouPort, beijingSmsc, "138",
                                       "{ prefix = \"" + SINA + "\", account = \"" + SP + "\" }", "");
      try (io.smsgw.broker.testing.LogCapture log = io.smsgw.broker.testing.LogCapture.start()) {
         Files.writeString(file, withMoRoute);
         assertEquals("", beijing.routing().reload());
         // The scan ends either way: the MO left (and, before, was dropped) or it stays with a WARN.
         Wait.until("the scan moved the MO or left it", Duration.ofSeconds(10),
                    () -> beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 0
                       || log.count("stay on " + SmsAddresses.ROUTE_PENDING, account) > 0);
         assertTrue(!armed.get(), "the store filled between the question and the route");
         assertEquals(1, beijing.messageCount(SmsAddresses.ROUTE_PENDING), "the MO still waits, not dropped");
      }
      assertEquals(1, beijing.messageCount(account), "only what was there before");

      beijing.server().locateQueue(accountAddress).deleteAllReferences();
      store.applySetting(roomy); // room again
      assertEquals("", beijing.routing().reload()); // a reload wakes the scan (the tandem is down)
      Message mo = beijing.receive(account);
      assertNotNull(mo, "the MO moved on once Sina's queue had room");
      assertEquals("TD07", ((TextMessage) mo).getText());
      Wait.until("nothing waits", Duration.ofSeconds(10), () -> beijing.messageCount(SmsAddresses.ROUTE_PENDING) == 0);
   }
}
