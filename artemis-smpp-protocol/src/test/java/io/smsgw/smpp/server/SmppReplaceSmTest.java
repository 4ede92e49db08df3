package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import io.smsgw.broker.testing.TestBroker;
import io.smsgw.broker.testing.Wait;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.smpp.codec.SmppStatus;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.QueueBrowser;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * replace_sm from a jSMPP ESME on messages the gateway holds: the new text passes the checks a submit_sm of it would
 * pass and is answered as that submit_sm would be, and the parts it adds count against the account's daily quota.
 * Each account (test sms-gateway.conf) is used by one test only.
 */
class SmppReplaceSmTest {

   @TempDir
   static Path dataDir;
   static TestBroker broker;

   /** A day from now (relative time): the message waits, as one an ESME replaces does. */
   private static final String IN_A_DAY = "000001000000000R";
   private static final String SOURCE = "8610086";

   @BeforeAll
   static void start() throws Exception {
      // A redelivery delay, as the shipped broker.xml has (1 s; a minute here so no test outruns it): a replacement that
      // is rolled back must put the held messages back at once, not as a redelivery due later (hidden from the scans).
      broker = TestBroker.smpp(dataDir, "")
         .configure(cfg -> cfg.getAddressSettings().get("sms.#").setRedeliveryDelay(60_000))
         .start();
   }

   @AfterAll
   static void stop() throws Exception {
      broker.close();
   }

   private static SMPPSession bind(String systemId) throws Exception {
      SMPPSession session = new SMPPSession();
      session.setTransactionTimer(10_000); // jsmpp waits 2 s for an answer by default: too short on a loaded host
      session.connectAndBind("127.0.0.1", broker.port(), new BindParameter(BindType.BIND_TX, systemId, "pw", "",
         TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null, InterfaceVersion.IF_34));
      return session;
   }

   private static String submit(SMPPSession session, String destination, Alphabet alphabet, byte[] text) throws Exception {
      return session.submitShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, SOURCE,
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, new ESMClass(), (byte) 0, (byte) 0,
         IN_A_DAY, null, new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT), (byte) 0, new GeneralDataCoding(alphabet),
         (byte) 0, text).getMessageId();
   }

   /** A submit_sm of GSM text with this service_type and replace_if_present_flag. */
   private static String submit(SMPPSession session, String serviceType, String source, String destination, String text,
                                int replaceIfPresent) throws Exception {
      return session.submitShortMessage(serviceType, TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, source,
         TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, new ESMClass(), (byte) 0, (byte) 0,
         IN_A_DAY, null, new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT), (byte) replaceIfPresent,
         new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), (byte) 0, ascii(text)).getMessageId();
   }

   /** The texts held on sms.mt for this destination, sorted; left where they are. */
   private static List<String> heldFor(String destination) {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         QueueBrowser browser = session.createBrowser(session.createQueue(SmsAddresses.MT), "smsDestination = '" + destination + "'");
         List<String> texts = new ArrayList<>();
         for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
            texts.add(((TextMessage) e.nextElement()).getText());
         }
         Collections.sort(texts);
         return texts;
      } catch (JMSException e) {
         throw new IllegalStateException(e);
      }
   }

   private static void replace(SMPPSession session, String id, byte[] text) throws Exception {
      session.replaceShortMessage(id, TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, SOURCE, null, null,
         new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT), (byte) 0, text);
   }

   private static int refusal(ThrowingCall call) {
      return assertThrows(NegativeResponseException.class, call::run).getCommandStatus();
   }

   private interface ThrowingCall {
      void run() throws Exception;
   }

   private static byte[] ascii(String text) {
      return text.getBytes(StandardCharsets.US_ASCII);
   }

   /** The held message with this id, taken off sms.mt. */
   private static TextMessage held(String smsId) throws JMSException {
      try (Connection jms = new ActiveMQConnectionFactory(broker.coreUrl()).createConnection()) {
         jms.start();
         Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
         MessageConsumer consumer = session.createConsumer(session.createQueue(SmsAddresses.MT), "smsId = '" + smsId + "'");
         return (TextMessage) consumer.receive(10_000);
      }
   }

   /**
    * An account allowed one-part messages replaces a one-part message: by a two-part text, by text with octets GSM
    * 7-bit does not define, and a UCS2 message by an odd number of octets. Each gets the status a submit_sm of that
    * content gets, and the held message keeps its text. Before, all three were ESME_ROK and the replacement went on
    * as it was (the two parts upstream beyond the account's limit, U+FFFD on the handset).
    */
   @Test
   void aReplacementIsCheckedAsASubmitOfItsContentWouldBe() throws Exception {
      SMPPSession session = bind("replace1");
      try {
         String code = submit(session, "8613800138100", Alphabet.ALPHA_DEFAULT, ascii("Your code is 1234"));
         String unicode = submit(session, "8613800138101", Alphabet.ALPHA_UCS2, "\u4f60\u597d".getBytes(StandardCharsets.UTF_16BE));

         byte[] twoParts = ascii("a".repeat(200));
         assertEquals(SmppStatus.ESME_RINVMSGLEN, refusal(() -> submit(session, "8613800138102", Alphabet.ALPHA_DEFAULT, twoParts)),
                      "a submit_sm of two parts, max-message-parts = 1");
         assertEquals(SmppStatus.ESME_RINVMSGLEN, refusal(() -> replace(session, code, twoParts)), "the same as a replacement");

         byte[] undefined = {'c', 'o', 'd', 'e', (byte) 0x80};
         assertEquals(MtMessageFactory.STATUS_UNDEFINED_OCTETS,
                      refusal(() -> submit(session, "8613800138103", Alphabet.ALPHA_DEFAULT, undefined)), "a submit_sm with 0x80");
         assertEquals(MtMessageFactory.STATUS_UNDEFINED_OCTETS, refusal(() -> replace(session, code, undefined)),
                      "the same as a replacement");

         byte[] odd = {0x4f, 0x60, 0x59};
         assertEquals(SmppStatus.ESME_RINVMSGLEN, refusal(() -> replace(session, unicode, odd)), "UCS2 of 3 octets");

         replace(session, code, ascii("Your code is 5678")); // one part of GSM text: ESME_ROK
         assertEquals("Your code is 5678", held(code).getText());
         assertEquals("\u4f60\u597d", held(unicode).getText(), "the UCS2 message as submitted");
      } finally {
         session.unbindAndClose();
      }
   }

   /**
    * An account with a daily quota of one SMS: a one-part message used it, so a replacement of two parts is refused with
    * the quota status (a submit of one more part would be), and one of one part is taken. Before, the two parts were
    * taken, one of them beyond the quota.
    */
   @Test
   void partsAReplacementAddsCountAgainstTheDailyQuota() throws Exception {
      SMPPSession session = bind("replquota");
      try {
         String id = submit(session, "8613800138110", Alphabet.ALPHA_DEFAULT, ascii("Meeting at 10"));
         assertEquals(SmppSubmitHandler.STATUS_DAILY_QUOTA_EXHAUSTED,
                      refusal(() -> submit(session, "8613800138111", Alphabet.ALPHA_DEFAULT, ascii("another"))),
                      "the day's one SMS is used");
         assertEquals(SmppSubmitHandler.STATUS_DAILY_QUOTA_EXHAUSTED, refusal(() -> replace(session, id, ascii("b".repeat(200)))),
                      "a second part would be beyond the quota");
         replace(session, id, ascii("Meeting at 11")); // as many parts as before: nothing more to count
         TextMessage mt = held(id);
         assertNotNull(mt);
         assertEquals("Meeting at 11", mt.getText());
      } finally {
         session.unbindAndClose();
      }
   }

   /**
    * An ESME sends an updated one-time code with replace_if_present_flag 1: the code still held for that handset, from
    * the same source under the same service_type, is replaced, and only the new one goes on. Messages differing in
    * service_type or source stay; with nothing held the submit is stored as usual; a refused one (too long) leaves the
    * held code in place; a flag above 1 is refused with ESME_RINVREPFLAG. Before,
    * the flag was ignored: both codes went to the handset, and flag 2 was taken as 0.
    */
   @Test
   void aSubmitWithReplaceIfPresentReplacesTheHeldMessageOfTheSameAddressesAndServiceType() throws Exception {
      String handset = "8613800138120";
      SMPPSession session = bind("replace1");
      try {
         submit(session, "OTP", SOURCE, handset, "Your code is 1111", 0);
         submit(session, "NEWS", SOURCE, handset, "Other service", 0);
         submit(session, "OTP", "8610010", handset, "Other source", 0);
         Wait.until("three messages held for the handset", Duration.ofSeconds(10), () -> heldFor(handset).size() == 3);

         String id = submit(session, "OTP", SOURCE, handset, "Your code is 2222", 1);
         assertEquals(16, id.length(), "a new message id: " + id);
         List<String> expected = List.of("Other service", "Other source", "Your code is 2222");
         Wait.until("the first code replaced by the second", Duration.ofSeconds(10), () -> heldFor(handset).equals(expected));

         submit(session, "OTP", SOURCE, "8613800138121", "Your code is 3333", 1);
         Wait.until("stored though nothing was held to replace", Duration.ofSeconds(10),
                    () -> heldFor("8613800138121").equals(List.of("Your code is 3333")));

         assertEquals(SmppStatus.ESME_RINVREPFLAG, refusal(() -> submit(session, "OTP", SOURCE, handset, "Your code is 4444", 2)));
         assertEquals(SmppStatus.ESME_RINVMSGLEN, refusal(() -> submit(session, "OTP", SOURCE, handset, "c".repeat(200), 1)),
                      "two parts, max-message-parts = 1");
         // A retry at once, as an ESME does after a refusal: its scan waits for the refused one's rollback, so it finds
         // the code put back (a browse from here would race the rollback, which runs after the answer).
         submit(session, "OTP", SOURCE, handset, "Your code is 5555", 1);
         Wait.until("the code put back is replaced by the next one", Duration.ofSeconds(10),
                    () -> heldFor(handset).equals(List.of("Other service", "Other source", "Your code is 5555")));
         // Put back at once, not as a redelivery due later: hidden from the scans meanwhile, it would come back beside 5555.
         assertEquals(0, broker.server().locateQueue(SmsAddresses.MT).getScheduledCount(), "messages due later on sms.mt");
      } finally {
         session.unbindAndClose();
      }
   }
}
