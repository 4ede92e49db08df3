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
 * PDU of the maximum size.
 */
public final class PduFrameDecoder extends ByteToMessageDecoder {

   private static final Logger logger = LoggerFactory.getLogger(PduFrameDecoder.class);

   private final String protocol;
   private final int headerLength;
   private final int maxPduSize;
   private boolean closing;

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
         logger.warn("Closing {} connection from {}: PDU length {} outside [{}, {}]",
                     protocol, ctx.channel().remoteAddress(), length, headerLength, maxPduSize);
         in.skipBytes(in.readableBytes());
         ctx.close();
         return;
      }
      if (in.readableBytes() < length) {
         return;
      }
      out.add(in.readRetainedSlice((int) length));
   }
}
