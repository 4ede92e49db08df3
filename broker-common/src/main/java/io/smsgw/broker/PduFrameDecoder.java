package io.smsgw.broker;

import java.util.List;

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
 */
public final class PduFrameDecoder extends ByteToMessageDecoder {

   private static final Logger logger = LoggerFactory.getLogger(PduFrameDecoder.class);

   private final String protocol;
   private final int headerLength;
   private final int maxPduSize;
   private boolean closing;
   private boolean framed;

   public PduFrameDecoder(String protocol, int headerLength, int maxPduSize) {
      this.protocol = protocol;
      this.headerLength = headerLength;
      this.maxPduSize = maxPduSize;
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
      if (length < headerLength || length > maxPduSize) {
         closing = true;
         if (!framed && startsTlsHandshake(in)) {
            logger.warn("Closing {} connection from {}: the client starts a TLS handshake, and this acceptor is not "
                           + "configured for TLS (sslEnabled=true)", protocol, ctx.channel().remoteAddress());
         } else {
            logger.warn("Closing {} connection from {}: PDU length {} outside [{}, {}]",
                        protocol, ctx.channel().remoteAddress(), length, headerLength, maxPduSize);
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
