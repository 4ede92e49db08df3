package io.smsgw.smpp.client;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.DeliverSm;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppCommandId;
import io.smsgw.smpp.codec.Tlvs;

/**
 * An SMSC on plain sockets that answers with exactly the bytes a test gives it: answers a library SMSC cannot write
 * (an id without its NUL, a padding byte, a generic_nack to enquire_link). By default it answers like a correct SMSC,
 * each submit_sm with the id {@code raw<sequence>}. One thread per connection; a connection ends when the link closes it.
 */
final class RawSmsc implements AutoCloseable {

   /** A submit_sm as it arrived: on which connection (1, 2... in order of accept) and with which sequence. */
   record Submit(int connection, int sequence) {
   }

   /** The answer to a bind request, from its command_id and sequence. */
   interface BindAnswer {
      byte[] answer(int commandId, int sequence);
   }

   final AtomicInteger binds = new AtomicInteger();
   final BlockingQueue<Submit> submits = new LinkedBlockingQueue<>();
   /** enquire_link received, per connection (index 0 is connection 1). */
   final List<AtomicInteger> enquireLinks = new CopyOnWriteArrayList<>();
   /** Answers the n-th submit_sm (1, 2... over all connections) gets, by its sequence; null: the default answer. */
   final List<IntFunction<byte[]>> submitAnswers = new CopyOnWriteArrayList<>();
   volatile BindAnswer bindAnswer = (commandId, seq) -> frame(commandId | SmppCommandId.RESPONSE_BIT, 0, seq, cString("raw"));
   volatile IntFunction<byte[]> enquireLinkAnswer = seq -> frame(SmppCommandId.ENQUIRE_LINK_RESP, 0, seq, new byte[0]);
   /** The body of every bind request, in order of arrival. */
   final BlockingQueue<byte[]> bindBodies = new LinkedBlockingQueue<>();
   /** The connections (1, 2...) that got an unbind, in order of arrival. */
   final BlockingQueue<Integer> unbinds = new LinkedBlockingQueue<>();
   /**
    * When set, submit_sm are recorded but answered only when their connection gets an unbind, just before its
    * unbind_resp: an SMSC that finishes what it was given before it lets the session go.
    */
   volatile boolean answerSubmitsOnUnbind;
   /** Frames written (once) when the first unbind arrives, before unbind_resp: deliveries the SMSC still had. */
   final List<byte[]> sendOnUnbind = new CopyOnWriteArrayList<>();
   /** When false, an unbind is recorded but never answered: the link closes after its own wait. */
   volatile boolean answerUnbind = true;
   /** The command_status of every deliver_sm_resp and data_sm_resp, in order of arrival. */
   final BlockingQueue<Integer> deliveryAnswers = new LinkedBlockingQueue<>();

   /** A frame the link sent, whole, and on which connection (1, 2... in order of accept). */
   record Frame(int connection, byte[] bytes) {
   }

   /** Every frame the link sent, in order of arrival (recorded before it is answered). */
   final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
   /** The connections (1, 2...) that ended, in order. */
   final BlockingQueue<Integer> ended = new LinkedBlockingQueue<>();
   /** When set, submit_sm are recorded but not answered: a test answers them itself through {@link #sendRaw}. */
   volatile boolean holdSubmits;
   /** The next this many submit_sm close their connection unanswered: an SMSC that drops the link before it answers. */
   final AtomicInteger closeOnSubmits = new AtomicInteger();

   private final ServerSocket server;
   private final List<Socket> sockets = new CopyOnWriteArrayList<>();
   private final AtomicInteger submitCount = new AtomicInteger();
   private volatile OutputStream latest;
   private volatile int latestConnection;
   private volatile boolean closed;

   RawSmsc(int port) throws IOException {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress("127.0.0.1", port));
      Thread acceptor = new Thread(this::accept, "raw-smsc-" + port);
      acceptor.setDaemon(true);
      acceptor.start();
   }

   static byte[] frame(int commandId, int status, int sequence, byte[] body) {
      return ByteBuffer.allocate(16 + body.length).putInt(16 + body.length).putInt(commandId).putInt(status)
         .putInt(sequence).put(body).array();
   }

   /** {@code text} without a NUL. */
   static byte[] bytes(String text) {
      return text.getBytes(StandardCharsets.ISO_8859_1);
   }

   static byte[] cString(String text) {
      byte[] bytes = bytes(text);
      return ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) 0).array();
   }

   /** Sends a deliver_sm receipt for {@code messageId} in the text only (no TLVs) on the latest connection. */
   void sendReceipt(String messageId, String stat, String destination) throws IOException {
      write(latest, receipt(0x7000, messageId, stat, destination));
   }

   /** A deliver_sm receipt for {@code messageId} in the text only (no TLVs). */
   static byte[] receipt(int sequence, String messageId, String stat, String destination) {
      String text = "id:" + messageId + " sub:001 dlvrd:001 submit date:2611272330 done date:2611272331 stat:" + stat
         + " err:000 text:";
      return deliverSm(sequence, 0x04, destination, "8610086", text);
   }

   /** A deliver_sm MO (esm_class 0, data_coding 0) from {@code source} to {@code destination}. */
   static byte[] mo(int sequence, String source, String destination, String text) {
      return deliverSm(sequence, 0, source, destination, text);
   }

   private static byte[] deliverSm(int sequence, int esmClass, String source, String destination, String text) {
      DeliverSm pdu = new DeliverSm(sequence, "", Address.of(1, 1, source), Address.of(1, 1, destination), esmClass, 0, 0,
         "", "", 0, 0, 0, 0, bytes(text), Tlvs.EMPTY);
      ByteBuf out = Unpooled.buffer();
      try {
         SmppCodec.encode(pdu, out);
         return ByteBufUtil.getBytes(out);
      } finally {
         out.release();
      }
   }

   /** The most enquire_link any one connection got. */
   int mostEnquireLinksOnOneConnection() {
      return enquireLinks.stream().mapToInt(AtomicInteger::get).max().orElse(0);
   }

   private void accept() {
      while (!closed) {
         try {
            Socket socket = server.accept();
            sockets.add(socket);
            AtomicInteger probes = new AtomicInteger();
            enquireLinks.add(probes);
            int connection = enquireLinks.size();
            Thread reader = new Thread(() -> serve(socket, connection, probes), "raw-smsc-connection-" + connection);
            reader.setDaemon(true);
            reader.start();
         } catch (IOException e) {
            return; // closed
         }
      }
   }

   private void serve(Socket socket, int connection, AtomicInteger probes) {
      try (socket) {
         DataInputStream in = new DataInputStream(socket.getInputStream());
         OutputStream out = socket.getOutputStream();
         latest = out;
         latestConnection = connection;
         List<Integer> held = new java.util.ArrayList<>();
         while (true) {
            int length = in.readInt();
            int commandId = in.readInt();
            int status = in.readInt();
            int seq = in.readInt();
            byte[] body = new byte[length - 16];
            in.readFully(body);
            Frame frame = new Frame(connection, ByteBuffer.allocate(length).putInt(length).putInt(commandId).putInt(status)
                                                   .putInt(seq).put(body).array());
            frames.add(frame);
            switch (commandId) {
               case SmppCommandId.BIND_TRANSMITTER, SmppCommandId.BIND_RECEIVER, SmppCommandId.BIND_TRANSCEIVER -> {
                  bindBodies.add(body);
                  binds.incrementAndGet();
                  write(out, bindAnswer.answer(commandId, seq));
               }
               case SmppCommandId.SUBMIT_SM -> {
                  submits.add(new Submit(connection, seq));
                  if (closeOnSubmits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                     return; // closed by the try: the submit_sm goes unanswered
                  }
                  if (holdSubmits) {
                     continue;
                  }
                  if (answerSubmitsOnUnbind) {
                     held.add(seq);
                     continue;
                  }
                  int n = submitCount.incrementAndGet();
                  IntFunction<byte[]> answer = n <= submitAnswers.size() ? submitAnswers.get(n - 1) : null;
                  write(out, answer != null ? answer.apply(seq) : frame(SmppCommandId.SUBMIT_SM_RESP, 0, seq, cString("raw" + seq)));
               }
               case SmppCommandId.ENQUIRE_LINK -> {
                  probes.incrementAndGet();
                  write(out, enquireLinkAnswer.apply(seq));
               }
               case SmppCommandId.UNBIND -> {
                  unbinds.add(connection);
                  for (int submit : held) {
                     write(out, frame(SmppCommandId.SUBMIT_SM_RESP, 0, submit, cString("raw" + submit)));
                  }
                  held.clear();
                  for (byte[] delivery : sendOnUnbind) {
                     write(out, delivery);
                  }
                  sendOnUnbind.clear();
                  if (answerUnbind) {
                     write(out, frame(SmppCommandId.UNBIND_RESP, 0, seq, new byte[0]));
                  }
               }
               case SmppCommandId.DELIVER_SM_RESP, SmppCommandId.DATA_SM_RESP -> deliveryAnswers.add(status);
               default -> {
                  // deliver_sm_resp and the like: nothing to answer
               }
            }
         }
      } catch (EOFException e) {
         // the link closed the connection
      } catch (IOException e) {
         // the link or close() closed it
      } finally {
         ended.add(connection);
      }
   }

   /** The connection {@link #sendRaw} writes to: the latest accepted (0: none yet). */
   int latestConnection() {
      return latestConnection;
   }

   /** Writes {@code bytes} as they are on the latest connection. */
   void sendRaw(byte[] bytes) throws IOException {
      write(latest, bytes);
   }

   private static void write(OutputStream out, byte[] bytes) throws IOException {
      synchronized (out) {
         out.write(bytes);
         out.flush();
      }
   }

   @Override
   public void close() throws IOException {
      closed = true;
      server.close();
      for (Socket socket : sockets) {
         socket.close();
      }
   }
}
