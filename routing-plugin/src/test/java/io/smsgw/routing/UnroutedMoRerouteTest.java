package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.LogCapture;
import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.client.JsmppSmsc;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MO no routes.mo prefix covers is taken from the SMSC (ESME_ROK) and parked on sms.mo.unrouted with a WARN that
 * names it, its destination and the fix (one such WARN per 10 s); once a reload adds the route, the routing bean's
 * rerouteUnroutedMo sends it through MO routing again and the account's ESME gets it. One the new route does not cover
 * goes back to sms.mo.unrouted, not counted (nor warned about) again.
 */
class UnroutedMoRerouteTest {

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   @Test
   void anUnroutedMoIsParkedWithAWarnAndReachesItsEsmeOnceTheRouteIsAddedAndItIsRerouted() throws Exception {
      int port = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts {
           sp9 { password = "sp9", protocols = [SMPP] }
         }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 400ms }
         }
         routes {
           mt = [ { prefix = "86138", links = [ sim ] } ]
           mo = [ { prefix = "1065799", account = sp9 } ]
         }
         """.formatted(port));
      System.setProperty("smsgw.config", file.toString());
      try (JsmppSmsc smsc = new JsmppSmsc(port);
           TestBroker broker = TestBroker.smpp(dir, "").configure(cfg -> cfg.registerBrokerPlugin(new SmsRoutingPlugin())).start();
           Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Wait.until("link bound", Duration.ofSeconds(10), smsc::hasBoundSession);
         SmsRoutingControlMBean control = (SmsRoutingControlMBean) broker.server().getManagementService().getUntypedControl("sms-routing");
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         jms.start();

         List<String> warnings;
         String smsId;
         try (LogCapture log = LogCapture.start()) {
            // jSMPP's deliverShortMessage returns only on ESME_ROK: any other status throws NegativeResponseException
            assertDoesNotThrow(() -> smsc.sendMo("8613800138000", "10657771", "Nobody serves me yet"), "ESME_ROK");
            assertDoesNotThrow(() -> smsc.sendMo("8613800138001", "10657772", "Nor me"), "ESME_ROK");
            assertDoesNotThrow(() -> smsc.sendMo("8613800138002", "10658881", "Still nobody's"), "ESME_ROK");
            Wait.until("the three MO parked", Duration.ofSeconds(10), () -> broker.messageCount(MoRouteTransformer.UNROUTED) == 3);
            assertEquals(3, control.getMoUnrouted());
            smsId = parkedIds(session).get(0);
            warnings = log.lines("WARN", "waits on " + MoRouteTransformer.UNROUTED, "no routes.mo prefix");
         }
         assertEquals(1, warnings.size(), "one WARN for the three MO (one per 10 s, the rest at DEBUG): " + warnings);
         String warning = warnings.get(0);
         assertTrue(warning.contains(smsId) && warning.contains("10657771") && warning.contains("routes.mo"),
                    "the WARN names the MO, its destination and the fix: " + warning);

         // the operator adds the route and re-routes what waits
         Files.writeString(file, Files.readString(file).replace("account = sp9 } ]",
                                                                "account = sp9 }, { prefix = \"106577\", account = sp9 } ]"));
         String problems = control.reload();
         assertEquals("", problems == null ? "" : problems, "the reload applied");
         String outcome = control.rerouteUnroutedMo();
         assertTrue(outcome.startsWith("3 MO sent through MO routing again"), outcome);
         Wait.until("the MO no route covers yet back on " + MoRouteTransformer.UNROUTED, Duration.ofSeconds(10),
                    () -> broker.messageCount(MoRouteTransformer.UNROUTED) == 1);
         assertEquals(List.of("8613800138002"), parkedSources(session));
         assertEquals(2, control.accountCounters("sp9").get("moRouted"), "the two others counted as routed to sp9");
         assertEquals(3, control.getMoUnrouted(), "the one parked again not counted again");

         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_RX, "sp9", "sp9", inbox);
         try {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
               DeliverSm mo = inbox.received.poll(10, TimeUnit.SECONDS);
               assertNotNull(mo, "the re-routed MO reached sp9's ESME");
               texts.add(new String(mo.getShortMessage(), StandardCharsets.US_ASCII));
            }
            Collections.sort(texts);
            assertEquals(List.of("Nobody serves me yet", "Nor me"), texts);
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   /** The smsIds of the MO on sms.mo.unrouted, in queue order. */
   private static List<String> parkedIds(Session session) throws Exception {
      return parked(session, "smsId");
   }

   private static List<String> parkedSources(Session session) throws Exception {
      return parked(session, "smsSource");
   }

   private static List<String> parked(Session session, String property) throws Exception {
      List<String> values = new ArrayList<>();
      try (QueueBrowser browser = session.createBrowser(session.createQueue(MoRouteTransformer.UNROUTED))) {
         Enumeration<?> messages = browser.getEnumeration();
         while (messages.hasMoreElements()) {
            values.add(((Message) messages.nextElement()).getStringProperty(property));
         }
      }
      return values;
   }
}
