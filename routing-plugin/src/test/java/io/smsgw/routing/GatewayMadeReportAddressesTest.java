package io.smsgw.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.smpp.client.JsmppSmsc;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reports the gateway makes itself (an MT without route, an MT that expired before any SMSC took it) come from
 * the MT's recipient and go to its sender with each address's own TON and NPI: an ESME that sent from an alphanumeric
 * brand (TON 5) to an international number (TON 1, NPI 1) gets the report from the number as TON 1 / NPI 1 and to
 * the brand as TON 5 / NPI 0. Before, the addresses changed places but their TON and NPI stayed.
 */
class GatewayMadeReportAddressesTest {

   private static final String BRAND = "MyBrand";

   @TempDir
   Path dir;

   @AfterEach
   void clearConfig() {
      System.clearProperty("smsgw.config");
   }

   private TestBroker start() throws Exception {
      // The link's SMSC never listens: what is routed to it waits on its queue until it expires.
      int nobody = JsmppSmsc.freePort();
      Path file = dir.resolve("sms-gateway.conf");
      Files.writeString(file, """
         gateway { code = "001001" }
         accounts { smppclient1 { password = "password", protocols = [SMPP] } }
         links {
           sim { host = "127.0.0.1", port = %d, system-id = "gw", password = "pw", reconnect-min = 100ms, reconnect-max = 200ms }
         }
         routes { mt = [ { prefix = "86138", links = [ sim ] } ] }
         """.formatted(nobody));
      System.setProperty("smsgw.config", file.toString());
      return TestBroker.smpp(dir, "")
         .configure(cfg -> cfg.setMessageExpiryScanPeriod(100).registerBrokerPlugin(new SmsRoutingPlugin())).start();
   }

   private static String submitFromBrand(SMPPSession esme, String destination, String validityPeriod) throws Exception {
      return esme.submitShortMessage("", TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, BRAND,
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, new ESMClass(), (byte) 0, (byte) 1,
         null, validityPeriod, new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0,
         new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, "hello".getBytes(StandardCharsets.US_ASCII)).getMessageId();
   }

   private static void assertFromRecipientToBrand(DeliverSm report, String id, String recipient, String status) throws Exception {
      assertNotNull(report, "a report reached the ESME");
      assertEquals(id, report.getShortMessageAsDeliveryReceipt().getId());
      assertEquals(status, report.getShortMessageAsDeliveryReceipt().getFinalStatus().name());
      assertEquals(recipient, report.getSourceAddr());
      assertEquals(TypeOfNumber.INTERNATIONAL.value(), report.getSourceAddrTon(), "the number's TON");
      assertEquals(NumberingPlanIndicator.ISDN.value(), report.getSourceAddrNpi(), "the number's NPI");
      assertEquals(BRAND, report.getDestAddress());
      assertEquals(TypeOfNumber.ALPHANUMERIC.value(), report.getDestAddrTon(), "the brand's TON");
      assertEquals(NumberingPlanIndicator.UNKNOWN.value(), report.getDestAddrNpi(), "the brand's NPI");
   }

   @Test
   void theNoRouteReportKeepsEachAddressWithItsOwnTonAndNpi() throws Exception {
      try (TestBroker broker = start()) {
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, "smppclient1", "password", inbox);
         try {
            String id = submitFromBrand(esme, "8613900000001", null);
            assertFromRecipientToBrand(inbox.received.poll(10, TimeUnit.SECONDS), id, "8613900000001", "UNDELIV");
         } finally {
            esme.unbindAndClose();
         }
      }
   }

   @Test
   void theExpiredReportKeepsEachAddressWithItsOwnTonAndNpi() throws Exception {
      try (TestBroker broker = start()) {
         RoutingEndToEndTest.Inbox inbox = new RoutingEndToEndTest.Inbox();
         SMPPSession esme = RoutingEndToEndTest.bind(broker, BindType.BIND_TRX, "smppclient1", "password", inbox);
         try {
            // Valid for 2 s (relative validity period), routed to the link that never binds.
            String id = submitFromBrand(esme, "8613800138077", "000000000002000R");
            assertFromRecipientToBrand(inbox.received.poll(20, TimeUnit.SECONDS), id, "8613800138077", "EXPIRED");
         } finally {
            esme.unbindAndClose();
         }
      }
   }
}
