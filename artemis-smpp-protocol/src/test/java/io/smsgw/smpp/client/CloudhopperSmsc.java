package io.smsgw.smpp.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppServerConfiguration;
import com.cloudhopper.smpp.SmppServerHandler;
import com.cloudhopper.smpp.SmppServerSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppServer;
import com.cloudhopper.smpp.impl.DefaultSmppSession;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.AlertNotification;
import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.pdu.BaseBindResp;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.Pdu;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import com.cloudhopper.smpp.type.Address;
import com.cloudhopper.smpp.util.DeliveryReceipt;
import org.joda.time.DateTime;

/**
 * An SMPP 3.3 SMSC built from cloudhopper's DefaultSmppServer: answers submit_sm with hex ids (or none), and sends
 * text-only receipts (no TLVs, as 3.3 allows) whose id is written in decimal, as some SMSCs do.
 */
final class CloudhopperSmsc implements AutoCloseable {

   record Received(String hexId, String destination, String source, byte[] shortMessage, int esmClass, int registeredDelivery) {
   }

   final BlockingQueue<Received> submits = new LinkedBlockingQueue<>();
   /** Command ids of every PDU the link sent to this SMSC, in order. */
   final List<Integer> received = new CopyOnWriteArrayList<>();
   /** When set, submit_sm is accepted (ESME_ROK) with an empty message_id, as some SMSCs answer. */
   final AtomicBoolean emptyMessageIds = new AtomicBoolean();
   private final DefaultSmppServer server;
   private final List<SmppServerSession> sessions = new CopyOnWriteArrayList<>();
   private final AtomicInteger ids = new AtomicInteger(0x1a2b);

   CloudhopperSmsc(int port) throws Exception {
      SmppServerConfiguration configuration = new SmppServerConfiguration();
      configuration.setPort(port);
      configuration.setHost("127.0.0.1");
      configuration.setReuseAddress(true);
      configuration.setNonBlockingSocketsEnabled(true);
      configuration.setSystemId("CHSMSC");
      configuration.setInterfaceVersion(SmppConstants.VERSION_3_3);
      configuration.setAutoNegotiateInterfaceVersion(true);
      server = new DefaultSmppServer(configuration, new Handler(), Executors.newCachedThreadPool());
      server.start();
   }

   boolean hasBound(SmppBindType type) {
      return sessions.stream().anyMatch(s -> s.isBound() && s.getBindType() == type);
   }

   /** A 3.3 receipt: text only, the id in decimal. */
   void sendReceipt(Received submit, byte state) throws Exception {
      SmppServerSession receiver = sessions.stream().filter(s -> s.isBound() && s.getBindType() == SmppBindType.RECEIVER)
         .reduce((a, b) -> b).orElseThrow();
      DeliveryReceipt receipt = new DeliveryReceipt(Long.toString(Long.parseLong(submit.hexId(), 16)), 1,
         state == SmppConstants.STATE_DELIVERED ? 1 : 0, new DateTime(), new DateTime(), state, 0, "");
      DeliverSm deliver = new DeliverSm();
      deliver.setEsmClass(SmppConstants.ESM_CLASS_MT_SMSC_DELIVERY_RECEIPT);
      deliver.setSourceAddress(new Address((byte) 1, (byte) 1, submit.destination()));
      deliver.setDestAddress(new Address((byte) 1, (byte) 1, submit.source()));
      deliver.setShortMessage(receipt.toShortMessage().getBytes(StandardCharsets.US_ASCII));
      receiver.sendRequestPdu(deliver, 10_000, false);
   }

   /**
    * An alert_notification (it has no response in SMPP 3.4, so cloudhopper cannot send it as a request: it is written
    * as it is encoded), then an MO sent synchronously: once the MO's response is back, any answer to the alert came
    * before it.
    */
   void sendAlertNotificationThenMo(String handset, String serviceNumber, String text) throws Exception {
      SmppServerSession session = sessions.stream()
         .filter(s -> s.isBound() && s.getBindType() != SmppBindType.TRANSMITTER).reduce((a, b) -> b).orElseThrow();
      AlertNotification alert = new AlertNotification();
      alert.setSequenceNumber(0x7777);
      alert.setSourceAddress(new Address((byte) 1, (byte) 1, handset));
      alert.setEsmeAddress(new Address((byte) 1, (byte) 1, serviceNumber));
      ((DefaultSmppSession) session).getChannel()
         .write(new DefaultPduTranscoder(new DefaultPduTranscoderContext()).encode(alert)).await();
      DeliverSm mo = new DeliverSm();
      mo.setSourceAddress(new Address((byte) 1, (byte) 1, handset));
      mo.setDestAddress(new Address((byte) 1, (byte) 1, serviceNumber));
      mo.setShortMessage(text.getBytes(StandardCharsets.US_ASCII));
      session.sendRequestPdu(mo, 10_000, true);
   }

   @Override
   public void close() {
      server.destroy();
   }

   private final class Handler implements SmppServerHandler {
      @Override
      public void sessionBindRequested(Long sessionId, SmppSessionConfiguration configuration, BaseBind bind) {
      }

      @Override
      public void sessionCreated(Long sessionId, SmppServerSession session, BaseBindResp preparedResponse) {
         sessions.add(session);
         session.serverReady(new DefaultSmppSessionHandler() {
            @Override
            public boolean firePduReceived(Pdu pdu) {
               received.add(pdu.getCommandId());
               return true;
            }

            @Override
            public PduResponse firePduRequestReceived(PduRequest request) {
               PduResponse response = request.createResponse();
               if (request instanceof SubmitSm submit) {
                  String id = emptyMessageIds.get() ? "" : Integer.toHexString(ids.incrementAndGet());
                  ((SubmitSmResp) response).setMessageId(id);
                  submits.add(new Received(id, submit.getDestAddress().getAddress(), submit.getSourceAddress().getAddress(),
                                           submit.getShortMessage(), submit.getEsmClass(), submit.getRegisteredDelivery() & 0xFF));
               }
               return response;
            }
         });
      }

      @Override
      public void sessionDestroyed(Long sessionId, SmppServerSession session) {
         sessions.remove(session);
         session.destroy();
      }
   }
}
