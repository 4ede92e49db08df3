package io.smsgw.broker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the byte stream into whole PDUs by the 4-byte big-endian total length both SMPP (command_length)
 * and CMPP (Total_Length) start with. A length below the protocol's header or above the acceptor's maximum
 * means the stream can no longer be trusted, so the connection is closed; nothing is buffered beyond one
 * PDU of the maximum size. A connection whose first bytes are a TLS handshake record is a TLS client on an acceptor
 * without {@code sslEnabled=true} (or a client pointed at the wrong port): the log says so, instead of naming the
 * absurd length the record header makes.
 * <p>
 * Until the session has accepted a login ({@link #loggedIn()}) only PDUs up to {@code maxLoginPduSize} are taken (what
 * a bind or CONNECT can be by the spec, and the few requests allowed before one): an unauthenticated connection used to
 * buffer a PDU of the full maximum until its login timer ran out, and its bind could carry a system_id of tens of
 * kilobytes into the log. A longer PDU before the login closes the connection and counts as a failed login of the
 * client address ({@link LoginPenalties}); the log lines these closes write are limited per address
 * ({@link PerAddressLog}), as a client reconnecting in a loop wrote one per connection.
 */
public final class PduFrameDecoder extends ByteToMessageDecoder {

   private static final Logger logger = LoggerFactory.getLogger(PduFrameDecoder.class);

   private final String protocol;
   private final int headerLength;
   private final int maxPduSize;
   private final Supplier<LoginPenalties> penalties;
   /** maxLoginPduSize until the login is accepted, then maxPduSize (event loop only). */
   private int limit;
   private boolean closing;
   private boolean framed;

   /** For a client's connection (an SMSC link, a FWD link): the whole maximum from the start, no penalties. */
   public PduFrameDecoder(String protocol, int headerLength, int maxPduSize) {
      this(protocol, headerLength, maxPduSize, maxPduSize, null);
   }

   /**
    * @param penalties the acceptor's failed-login penalties, asked only when a connection misbehaves before its login
    */
   public PduFrameDecoder(String protocol, int headerLength, int maxPduSize, int maxLoginPduSize,
                          Supplier<LoginPenalties> penalties) {
      this.protocol = protocol;
      this.headerLength = headerLength;
      this.maxPduSize = maxPduSize;
      this.limit = Math.min(maxLoginPduSize, maxPduSize);
      this.penalties = penalties;
   }

   /**
    * Tells the frame decoder named {@code name} in {@code channel}'s pipeline the login was accepted ({@link #loggedIn})
    * or refused ({@link #discardFurther}); on the event loop, before the next frame is cut.
    */
   public static void loginDecided(io.netty.channel.Channel channel, String name, boolean accepted) {
      if (channel.pipeline().get(name) instanceof PduFrameDecoder decoder) {
         if (accepted) {
            decoder.loggedIn();
         } else {
            decoder.discardFurther();
         }
      }
   }

   /** The session accepted the login: PDUs up to the acceptor's maximum from now on (called on the event loop). */
   public void loggedIn() {
      limit = maxPduSize;
   }

   /** The session refused the login: nothing more is buffered or passed on until the connection closes (event loop). */
   public void discardFurther() {
      closing = true;
   }

   @Override
   protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (closing) {
         in.skipBytes(in.readableBytes());
         return;
      }
      if (in.readableBytes() < 4) {
         return;
      }
      long length = in.getUnsignedInt(in.readerIndex());
      if (length < headerLength || length > limit) {
         closing = true;
         InetAddress client = ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
         boolean beforeLogin = limit < maxPduSize;
         if (!framed && startsTlsHandshake(in)) {
            if (penalties == null || penalties.get().lines().admit("TLS handshake on a plain acceptor", client)) {
               logger.warn("Closing {} connection from {}: the client starts a TLS handshake, and this acceptor is not "
                              + "configured for TLS (sslEnabled=true)", protocol, ctx.channel().remoteAddress());
            }
         } else {
            if (beforeLogin) {
               penalties.get().failed(client, null); // garbage instead of a login: a failed one
            }
            if (!beforeLogin || penalties.get().lines().admit("PDU length out of range before login", client)) {
               logger.warn("Closing {} connection from {}: PDU length {} outside [{}, {}]{}", protocol,
                           ctx.channel().remoteAddress(), length, headerLength, limit, beforeLogin ? " before login" : "");
            }
         }
         in.skipBytes(in.readableBytes());
         ctx.close();
         return;
      }
      if (in.readableBytes() < length) {
         return;
      }
      framed = true;
      out.add(in.readRetainedSlice((int) length));
   }

   /**
    * A TLS record header: content type 22 (handshake), protocol version 3.x. As a length that is above 369 MB, so
    * never a PDU this decoder would take.
    */
   private static boolean startsTlsHandshake(ByteBuf in) {
      int at = in.readerIndex();
      return in.getUnsignedByte(at) == 0x16 && in.getUnsignedByte(at + 1) == 0x03 && in.getUnsignedByte(at + 2) <= 0x04;
   }
}
