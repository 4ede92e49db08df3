package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.BindRequest;
import io.smsgw.smpp.codec.BindResponse;
import io.smsgw.smpp.codec.DestinationAddress;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitMulti;
import io.smsgw.smpp.codec.SubmitMultiResp;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.Tlvs;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sm_default_msg_id 1-254 asks for one of the SMSC's canned messages instead of short_message. The gateway has none: such
 * a submit_sm, submit_multi or replace_sm is refused with ESME_RINVDFTMSGID before anything is stored or replaced (it
 * went out as an empty, billed SMS).
 */
class SmppDefaultMsgIdTest {

   private static final String SOURCE = "8610086";
   /** A day from now (relative time): the message is held, so a replace_sm finds it. */
   private static final String IN_A_DAY = "000001000000000R";
   private static final byte CANNED = 3;

   @TempDir
   static Path dataDir;
   static TestBroker broker;
   static Connection jms;

   @BeforeAll
   static void start() throws Exception {
      broker = TestBroker.smpp(dataDir, "").start();
      jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection();
      jms.start();
   }

   @AfterAll
   static void stop() throws Exception {
      jms.close();
      broker.close();
   }

   /** Each test takes off sms.mt what it stored: anything left is a message that should not have been stored. */
   @AfterEach
   void nothingElseStored() {
      Wait.until("sms.mt empty", Duration.ofSeconds(10), () -> broker.messageCount(SmsAddresses.MT) == 0);
   }

   private static SMPPSession jsmpp(InterfaceVersion version) throws Exception {
      SMPPSession session = new SMPPSession();
      session.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
      session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_TX, "smppclient1", "password", "",
         TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, version));
      return session;
   }

   private static String submit(SMPPSession session, String destination, String schedule, byte smDefaultMsgId,
                                byte replaceIfPresent, String text) throws Exception {
      return session.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, SOURCE,
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, new ESMClass(), (byte) 0, (byte) 0,
         schedule, null, new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT), replaceIfPresent,
         new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), smDefaultMsgId, text.getBytes(StandardCharsets.US_ASCII)).getMessageId();
   }

   /** Takes the message with this smsId off sms.mt. */
   private static TextMessage take(String smsId) throws JMSException {
      try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
           MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.MT), "smsId = '" + smsId + "'")) {
         return (TextMessage) consumer.receive(10_000);
      }
   }

   private static int refusal(Executable call) {
      return assertThrows(NegativeResponseException.class, call::run).getCommandStatus();
   }

   private interface Executable {
      void run() throws Exception;
   }

   @Test
   void aCannedMessageSubmitSmIsRefusedAndNothingIsStored() throws Exception {
      for (InterfaceVersion version : List.of(InterfaceVersion.IF_34, InterfaceVersion.IF_33)) {
         SMPPSession session = jsmpp(version);
         try {
            assertEquals(SmppStatus.ESME_RINVDFTMSGID,
                         refusal(() -> submit(session, "8613800138001", null, CANNED, (byte) 0, "")), version.toString());
            assertEquals(SmppStatus.ESME_RINVDFTMSGID,
                         refusal(() -> submit(session, "8613800138001", null, (byte) 254, (byte) 0, "with a text too")),
                         version + ": a text beside it does not say which was meant");
            // The next submit on the session is the only one stored.
            String id = submit(session, "8613800138001", null, (byte) 0, (byte) 0, "an ordinary text");
            TextMessage mt = take(id);
            assertNotNull(mt, version.toString());
            assertEquals("an ordinary text", mt.getText());
         } finally {
            session.unbindAndClose();
         }
         nothingElseStored();
      }
   }

   @Test
   void aCannedMessageSubmitMultiIsRefused() throws Exception {
      Address source = new Address((byte) 1, (byte) 1, SOURCE);
      List<DestinationAddress> destinations = List.of(new DestinationAddress.Sme(new Address((byte) 1, (byte) 1, "8613800138002")),
                                                      new DestinationAddress.Sme(new Address((byte) 1, (byte) 1, "8613800138003")));
      try (RawSmppClient client = new RawSmppClient(broker.port())) {
         client.send(new BindRequest(1, io.smsgw.smpp.codec.BindType.TRANSMITTER, "smppclient1", "password", "", 0x34, 0, 0, ""));
         assertEquals(SmppStatus.ESME_ROK, assertInstanceOf(BindResponse.class, client.read()).commandStatus());
         client.send(new SubmitMulti(2, "", source, destinations, 0, 0, 0, "", "", 0, 0, 0, CANNED, new byte[0], Tlvs.EMPTY));
         SubmitMultiResp resp = assertInstanceOf(SubmitMultiResp.class, client.read());
         assertEquals(SmppStatus.ESME_RINVDFTMSGID, resp.commandStatus());
         client.send(ShortMessagePdu.builder().sequenceNumber(3).sourceAddr(source).destinationAddr(new Address((byte) 1, (byte) 1,
            "8613800138002")).shortMessage("after".getBytes(StandardCharsets.US_ASCII)).buildSubmitSm());
         SubmitSmResp after = assertInstanceOf(SubmitSmResp.class, client.read());
         assertEquals(SmppStatus.ESME_ROK, after.commandStatus());
         assertEquals("after", take(after.messageId()).getText());
      }
   }

   @Test
   void aCannedMessageReplacesNothing() throws Exception {
      SMPPSession session = jsmpp(InterfaceVersion.IF_34);
      try {
         String held = submit(session, "8613800138004", IN_A_DAY, (byte) 0, (byte) 0, "held text");
         assertEquals(SmppStatus.ESME_RINVDFTMSGID, refusal(() -> session.replaceShortMessage(held, TypeOfNumber.INTERNATIONAL,
            NumberingPlanIndicator.ISDN, SOURCE, null, null, new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT), CANNED,
            new byte[0])), "replace_sm");
         assertEquals(SmppStatus.ESME_RINVDFTMSGID,
                      refusal(() -> submit(session, "8613800138004", IN_A_DAY, CANNED, (byte) 1, "")),
                      "submit_sm with replace_if_present_flag");
         TextMessage mt = take(held);
         assertNotNull(mt, "the held message is still there");
         assertEquals("held text", mt.getText(), "and unchanged");
      } finally {
         session.unbindAndClose();
      }
   }
}
