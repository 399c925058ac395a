# The smallest useful sandbox image for tests: a static busybox and nothing else.
# No libc, no package manager; a non-root `user` (1000:1000) with a home directory.
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /tmp /home/user /etc /root /usr/bin \
 && chmod 1777 /tmp \
 && echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd \
 && echo 'user:x:1000:1000:user:/home/user:/bin/sh' >> /etc/passwd \
 && echo 'root:x:0:' > /etc/group \
 && echo 'user:x:1000:' >> /etc/group \
 && chown 1000:1000 /home/user
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["/bin/sh"]
