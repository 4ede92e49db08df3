package io.smsgw.examples;

import java.nio.charset.StandardCharsets;

import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;

/**
 * An SMPP 3.4 ESME (jSMPP) that binds to the gateway as {@code smppclient1}, submits one short
 * message and prints the message id the gateway returned.
 *
 * <p>{@code mvn -pl examples exec:java -Dexec.mainClass=io.smsgw.examples.SendFirstSms}
 * (optional: {@code -Dsmsgw.host=... -Dsmsgw.smpp.port=...}).
 */
public final class SendFirstSms {

   public static final String SYSTEM_ID = "smppclient1";
   public static final String PASSWORD = "password";
   public static final String SOURCE = "12345";
   public static final String DESTINATION = "8613800138000";
   public static final String TEXT = "Hello from SMPP";

   private static final long RESPONSE_TIMEOUT_MILLIS = 10_000;

   private SendFirstSms() {
   }

   public static void main(String[] args) throws Exception {
      String host = System.getProperty("smsgw.host", "localhost");
      int port = Integer.getInteger(QuickStartGateway.SMPP_PORT_PROPERTY, 2775);
      String messageId = submit(host, port, TEXT, DESTINATION);
      System.out.println("Submitted \"" + TEXT + "\" to " + DESTINATION + ", message id: " + messageId);
   }

   /**
    * Binds as a transmitter, submits {@code text} (SMSC default alphabet, delivery receipt
    * requested), unbinds and returns the message id from submit_sm_resp.
    */
   public static String submit(String host, int port, String text, String destination) throws Exception {
      SMPPSession session = new SMPPSession();
      session.setTransactionTimer(RESPONSE_TIMEOUT_MILLIS);
      try {
         session.connectAndBind(host, port, new BindParameter(BindType.BIND_TX, SYSTEM_ID, PASSWORD, "",
                                                              TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN,
                                                              null, InterfaceVersion.IF_34),
                                RESPONSE_TIMEOUT_MILLIS);
         return session.submitShortMessage("",
                                           TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, SOURCE,
                                           TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination,
                                           new ESMClass(), (byte) 0, (byte) 1, null, null,
                                           new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE),
                                           (byte) 0, DataCodings.ZERO, (byte) 0,
                                           text.getBytes(StandardCharsets.US_ASCII))
                       .getMessageId();
      } finally {
         session.unbindAndClose();
      }
   }
}
