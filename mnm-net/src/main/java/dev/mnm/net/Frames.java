package dev.mnm.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;

/** The framing every mnm connection uses: a 4-byte length, at most {@link Wire#MAX_FRAME} bytes. */
final class Frames {
    private Frames() {}

    static void install(ChannelPipeline p) {
        p.addLast("frames", new LengthFieldBasedFrameDecoder(Wire.MAX_FRAME, 0, 4, 0, 4, true));
        p.addLast("length", new LengthFieldPrepender(4));
    }

    static ByteBuf frame(ChannelHandlerContext ctx, byte type) {
        return ctx.alloc().buffer().writeByte(type);
    }
}
