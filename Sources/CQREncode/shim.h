#ifndef TAMBON_CQRENCODE_SHIM_H
#define TAMBON_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
