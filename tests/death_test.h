/*
 * Death tests for selsim's test programs: run a piece of code in a child
 * process and check that it stops with a SIM_BUG (sim/error.h), the way a
 * broken invariant must. Static inline, like test.h.
 */
#ifndef SELSIM_DEATH_TEST_H
#define SELSIM_DEATH_TEST_H

#include "test.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * A death test: runs @fn(@arg) in a child process (fork) with its stderr
 * piped to the parent, and fails unless the child aborts (SIGABRT) with a
 * SIM_BUG whose message contains @want. @fn runs only in the child: what
 * it allocates dies with it.
 */
static inline void death_expect_bug(void (*fn)(void *), void *arg,
				const char *want)
{
	char buf[4096];
	size_t len = 0;
	ssize_t got;
	int fd[2], status;
	pid_t pid;

	ASSERT_EQ(pipe(fd), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], STDERR_FILENO);
		fn(arg);
		_exit(0);	/* no bug: the parent fails the test */
	}
	close(fd[1]);
	while (len + 1 < sizeof(buf) &&
	       (got = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)got;
	buf[len] = '\0';
	close(fd[0]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		TEST_FAIL("want a SIM_BUG with \"%s\"; the child did not "
			  "abort; its stderr: %s", want, buf);
	if (!strstr(buf, "selsim: BUG at ") || !strstr(buf, want))
		TEST_FAIL("want a SIM_BUG with \"%s\"; its stderr: %s", want,
			  buf);
}

#endif
