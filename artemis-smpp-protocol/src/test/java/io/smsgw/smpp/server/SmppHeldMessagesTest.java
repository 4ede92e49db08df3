package io.smsgw.smpp.server;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.BindType;
import io.smsgw.smpp.codec.CancelSm;
import io.smsgw.smpp.codec.CancelSmResp;
import io.smsgw.smpp.codec.DestinationAddress;
import io.smsgw.smpp.codec.QuerySm;
import io.smsgw.smpp.codec.QuerySmResp;
import io.smsgw.smpp.codec.ReplaceSm;
import io.smsgw.smpp.codec.ReplaceSmResp;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitMulti;
import io.smsgw.smpp.codec.SubmitMultiResp;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.Tlvs;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** query_sm, replace_sm and cancel_sm on MT messages the gateway still holds on sms.mt. */
class SmppHeldMessagesTest {

   @TempDir
   Path dataDir;

   private static final Address ESME = new Address((byte) 1, (byte) 1, "8610086");
   private static final Address HANDSET = new Address((byte) 1, (byte) 1, "8613900139000");

   private static String submit(RawSmppClient client, int sequence, String text) throws Exception {
      client.send(ShortMessagePdu.builder().sequenceNumber(sequence).sourceAddr(ESME).destinationAddr(HANDSET)
                     .shortMessage(text.getBytes(StandardCharsets.US_ASCII)).buildSubmitSm());
      SubmitSmResp resp = assertInstanceOf(SubmitSmResp.class, client.read());
      assertEquals(SmppStatus.ESME_ROK, resp.commandStatus());
      return resp.messageId();
   }

   @Test
   void heldMessagesCanBeQueriedReplacedAndCancelled() throws Exception {
      try (TestBroker broker = TestBroker.smpp(dataDir, "").start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         String kept = submit(client, 2, "original text");
         String dropped = submit(client, 3, "to be cancelled");

         client.send(new QuerySm(4, kept, ESME));
         QuerySmResp query = assertInstanceOf(QuerySmResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, query.commandStatus());
         assertEquals(1, query.messageState(), "ENROUTE while held");

         client.send(new ReplaceSm(5, kept, ESME, "", "", 1, 0, "replaced text".getBytes(StandardCharsets.US_ASCII)));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(ReplaceSmResp.class, client.read()).commandStatus());

         client.send(new CancelSm(6, "", dropped, ESME, HANDSET));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(CancelSmResp.class, client.read()).commandStatus());
         client.send(new CancelSm(7, "", dropped, ESME, HANDSET));
         assertEquals(SmppStatus.ESME_RCANCELFAIL, assertInstanceOf(CancelSmResp.class, client.read()).commandStatus());
         client.send(new QuerySm(8, "ffffffffffffffff", ESME));
         assertEquals(SmppStatus.ESME_RQUERYFAIL, assertInstanceOf(QuerySmResp.class, client.read()).commandStatus());

         Wait.until("one held message left", java.time.Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.MT) == 1);
         try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            jms.start();
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage only = (TextMessage) session.createConsumer(session.createQueue(SmsAddresses.MT)).receive(10_000);
            assertEquals("replaced text", only.getText());
            assertEquals(kept, only.getStringProperty("smsId"));
            assertEquals(1, only.getIntProperty("smsRegisteredDelivery"));
         }
      }
   }

   @Test
   void replaceSmOnASubmitMultiReplacesTheTextForEveryDestination() throws Exception {
      Address other = new Address((byte) 1, (byte) 1, "8613900139001");
      try (TestBroker broker = TestBroker.smpp(dataDir, "").start();
           RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         client.send(new SubmitMulti(2, "", ESME, List.of(new DestinationAddress.Sme(HANDSET), new DestinationAddress.Sme(other)),
            0, 0, 0, "", "", 0, 0, 0, 0, "original text".getBytes(StandardCharsets.US_ASCII), Tlvs.EMPTY));
         SubmitMultiResp submitted = assertInstanceOf(SubmitMultiResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, submitted.commandStatus());

         client.send(new ReplaceSm(3, submitted.messageId(), ESME, "", "", 0, 0, "replaced text".getBytes(StandardCharsets.US_ASCII)));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(ReplaceSmResp.class, client.read()).commandStatus());

         Wait.until("both destinations held", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.MT) == 2);
         try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
            jms.start();
            Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer held = session.createConsumer(session.createQueue(SmsAddresses.MT));
            TextMessage first = (TextMessage) held.receive(10_000);
            TextMessage second = (TextMessage) held.receive(10_000);
            assertEquals("replaced text", first.getText());
            assertEquals("replaced text", second.getText());
            assertEquals(Set.of(HANDSET.address(), other.address()),
               Set.of(first.getStringProperty("smsDestination"), second.getStringProperty("smsDestination")));
         }
      }
   }
}
