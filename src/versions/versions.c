#include "versions/versions.h"

#include <ctype.h>
#include <string.h>

int gl_go_minor(const char *v)
{
	if (!v)
		return -1;
	const char *p = strstr(v, "go1.");
	if (!p)
		return -1;
	p += 4;
	if (!isdigit((unsigned char)*p))
		return -1;
	int minor = 0;
	while (isdigit((unsigned char)*p) && minor < 1000)
		minor = minor * 10 + (*p++ - '0');
	return minor;
}
