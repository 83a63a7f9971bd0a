"""Node.js-style EventEmitter.

Semantics follow node 20's ``events.EventEmitter``:

* listeners are called synchronously, in order, with the arguments given to
  ``emit``;
* the set of listeners called by one ``emit`` is fixed when the ``emit`` starts
  (a listener added during an ``emit`` is not called by it; one removed during
  it still is);
* a ``once`` listener is removed before it is called, and is never called twice;
* ``'newListener'`` is emitted *before* a listener is added and
  ``'removeListener'`` *after* one is removed, both with the unwrapped listener;
* ``emit('error', ...)`` with no ``'error'`` listener raises.

Implementation notes (hot path):

``self._events`` maps an event to a ``list`` of listeners.  The lists are treated
as immutable (copy-on-write): adding or removing a listener stores a *new* list,
so ``emit`` can iterate over the list it fetched without copying it.  Code in a
subclass may read ``self._events`` but must never mutate a list in place.
An event with no listener has no key.

Subclasses can override ``_listeners_changed(event)`` to be told after every
change to the listeners of ``event`` (see its docstring), naming the events they
watch in ``_hooked_events`` (None: all): adding or removing a listener of
another event then costs no call (``remove_all_listeners`` calls it anyway).
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, TypeVar, overload

__all__ = ['EventEmitter', 'MaxListenersExceededWarning']

_MISSING: Any = object()

_Emitter = TypeVar('_Emitter', bound='EventEmitter')
_Listener = TypeVar('_Listener', bound=Callable[..., Any])


def _arg_type_error(msg: str) -> TypeError:
    """A ``TypeError`` carrying Node's ``code='ERR_INVALID_ARG_TYPE'``."""
    err = TypeError(msg)
    err.code = 'ERR_INVALID_ARG_TYPE'  # type: ignore[attr-defined]
    return err


def _out_of_range_error(msg: str) -> ValueError:
    """A ``ValueError`` carrying Node's ``code='ERR_OUT_OF_RANGE'``."""
    err = ValueError(msg)
    err.code = 'ERR_OUT_OF_RANGE'  # type: ignore[attr-defined]
    return err


def _describe(value: Any) -> str:
    # Mirrors the tail of Node's ERR_INVALID_ARG_TYPE message.
    if value is None:
        return 'Received None'
    shown = repr(value)
    if len(shown) > 28:
        shown = shown[:25] + '...'
    return 'Received type %s (%s)' % (type(value).__name__, shown)


def _not_callable(listener: Any) -> TypeError:
    # (callers test callable() themselves: a call less on every on() and off())
    return _arg_type_error(
        'The "listener" argument must be callable. ' + _describe(listener))


class MaxListenersExceededWarning(RuntimeWarning):
    """Warned (once per event) when an event gets more listeners than allowed.

    Attributes, as on Node's warning object: ``emitter``, ``type`` (the event)
    and ``count``.
    """

    def __init__(self, message: str, emitter: Any = None, type: Any = None,
                 count: int = 0) -> None:
        super().__init__(message)
        self.emitter = emitter
        self.type = type
        self.count = count


class _OnceWrapper:
    """What ``once`` stores: removes itself, then calls ``listener`` once."""

    __slots__ = ('emitter', 'event', 'listener', 'fired')

    def __init__(self, emitter: 'EventEmitter', event: Any,
                 listener: Callable[..., Any]) -> None:
        self.emitter = emitter
        self.event = event
        self.listener = listener
        self.fired = False

    def __call__(self, *args: Any) -> Any:
        if self.fired:
            return None
        self.emitter.remove_listener(self.event, self)
        self.fired = True
        return self.listener(*args)

    def __repr__(self) -> str:
        return '<once %r>' % (self.listener,)


def _unwrap(listener: Any) -> Any:
    if type(listener) is _OnceWrapper:
        return listener.listener
    return listener


class EventEmitter:
    """Node's ``EventEmitter``.

    Usable as a base class of classes with or without ``__slots__``; calling
    ``EventEmitter.__init__`` is optional (state is created lazily).
    """

    __slots__ = ('_events', '_max_listeners', '_warned')

    #: Node's ``EventEmitter.defaultMaxListeners``; 0 means unlimited.
    default_max_listeners = 10

    #: The events whose listeners' changes call ``_listeners_changed`` (None:
    #: all); none here, where the hook does nothing.
    _hooked_events: Optional[FrozenSet[Any]] = frozenset()

    _warned: Optional[Set[Any]]

    def __init__(self) -> None:
        # Set here so the common paths never raise AttributeError (costly); a
        # subclass that skips this gets them lazily, and None means "not set".
        self._events: Dict[Any, List[Callable[..., Any]]] = {}
        self._max_listeners: Any = None
        self._warned = None

    # ------------------------------------------------------------------ hook
    def _listeners_changed(self, event: Any) -> None:
        """Called after the listeners of ``event`` changed (no-op here), for
        the events in ``_hooked_events``.

        Called once after each addition, once after each removal (including
        the removal of a ``once`` listener when it fires, and before the
        ``'removeListener'`` event is emitted for it), and by
        ``remove_all_listeners`` once per event that had listeners when no
        ``'removeListener'`` listener exists (otherwise Node removes them one
        at a time, and the hook follows each removal).  When it runs,
        ``self._events.get(event)`` is already the new list (or ``None``).
        """

    # ------------------------------------------------------------- internals
    def _add(self, event: Any, listener: Any, prepend: bool,
             once: bool) -> 'EventEmitter':
        if not callable(listener):
            raise _not_callable(listener)
        try:
            events = self._events
        except AttributeError:
            events = self._events = {}
        if 'newListener' in events:
            self.emit('newListener', event, listener)
        stored = _OnceWrapper(self, event, listener) if once else listener
        old = events.get(event)
        if old is None:
            events[event] = [stored]
        else:
            new = [stored] + old if prepend else old + [stored]
            events[event] = new
            count = len(new)
            limit = self.get_max_listeners()
            if 0 < limit < count:
                self._warn(event, count, limit)
        hooked = self._hooked_events
        if hooked is None or event in hooked:
            self._listeners_changed(event)
        return self

    def _warn(self, event: Any, count: int, limit: Any) -> None:
        try:
            warned = self._warned
        except AttributeError:
            warned = None
        if warned is None:
            warned = self._warned = set()
        if event in warned:
            return
        warned.add(event)
        msg = ('Possible EventEmitter memory leak detected. %d %s listeners '
               'added to [%s]. MaxListeners is %s. Use '
               'emitter.set_max_listeners() to increase limit'
               % (count, event, type(self).__name__, limit))
        # user code -> on/once/prepend_* -> _add -> _warn
        warnings.warn(MaxListenersExceededWarning(msg, self, event, count),
                      stacklevel=4)

    def _decorator(self, event: Any, prepend: bool,
                   once: bool) -> Callable[[_Listener], _Listener]:
        def register(listener: _Listener) -> _Listener:
            self._add(event, listener, prepend, once)
            return listener
        return register

    # --------------------------------------------------------------- adding
    # Each adder has two forms: with a listener it returns the emitter; without
    # one it returns a decorator.  Socket and Server narrow these to their events.
    @overload
    def add_listener(self: _Emitter, event: Any,
                     listener: Callable[..., Any]) -> _Emitter: ...
    @overload
    def add_listener(self, event: Any) -> Callable[[_Listener], _Listener]: ...

    def add_listener(self, event: Any, listener: Any = _MISSING) -> Any:
        """Add ``listener`` for ``event``; returns ``self``.

        Without ``listener``, returns a decorator that registers the function
        it decorates and returns that function.
        """
        if listener is _MISSING:
            return self._decorator(event, False, False)
        return self._add(event, listener, False, False)

    on = add_listener

    @overload
    def once(self: _Emitter, event: Any,
             listener: Callable[..., Any]) -> _Emitter: ...
    @overload
    def once(self, event: Any) -> Callable[[_Listener], _Listener]: ...

    def once(self, event: Any, listener: Any = _MISSING) -> Any:
        """Add a listener called at most once; returns ``self`` (or a
        decorator without ``listener``)."""
        if listener is _MISSING:
            return self._decorator(event, False, True)
        return self._add(event, listener, False, True)

    @overload
    def prepend_listener(self: _Emitter, event: Any,
                         listener: Callable[..., Any]) -> _Emitter: ...
    @overload
    def prepend_listener(self,
                         event: Any) -> Callable[[_Listener], _Listener]: ...

    def prepend_listener(self, event: Any, listener: Any = _MISSING) -> Any:
        """Add ``listener`` before the other listeners of ``event``."""
        if listener is _MISSING:
            return self._decorator(event, True, False)
        return self._add(event, listener, True, False)

    @overload
    def prepend_once_listener(self: _Emitter, event: Any,
                              listener: Callable[..., Any]) -> _Emitter: ...
    @overload
    def prepend_once_listener(
            self, event: Any) -> Callable[[_Listener], _Listener]: ...

    def prepend_once_listener(self, event: Any,
                              listener: Any = _MISSING) -> Any:
        """``once`` that runs before the other listeners of ``event``."""
        if listener is _MISSING:
            return self._decorator(event, True, True)
        return self._add(event, listener, True, True)

    # ------------------------------------------------------------- removing
    def remove_listener(self: _Emitter, event: Any,
                        listener: Any) -> _Emitter:
        """Remove the most recently added instance of ``listener`` (or of a
        ``once`` wrapper around it) from ``event``; returns ``self``."""
        if not callable(listener):
            raise _not_callable(listener)
        try:
            events = self._events
        except AttributeError:
            return self
        old = events.get(event)
        if old is None:
            return self
        index = -1
        for i in range(len(old) - 1, -1, -1):
            item = old[i]
            # == so that a bound method (a new object per access) matches itself.
            if item == listener or (type(item) is _OnceWrapper
                                    and item.listener == listener):
                index = i
                break
        if index < 0:
            return self
        removed = old[index]
        if len(old) == 1:
            del events[event]
        else:
            events[event] = old[:index] + old[index + 1:]
        if len(old) <= 2:
            # Node forgets that it warned once the list is down to one.
            self._forget_warning(event)
        hooked = self._hooked_events
        if hooked is None or event in hooked:
            self._listeners_changed(event)
        if 'removeListener' in events:
            self.emit('removeListener', event, _unwrap(removed))
        return self

    off = remove_listener

    def _forget_warning(self, event: Any) -> None:
        try:
            warned = self._warned
        except AttributeError:
            return
        if warned:
            warned.discard(event)

    def remove_all_listeners(self: _Emitter, event: Any = None) -> _Emitter:
        """Remove every listener of ``event``, or of every event when
        ``event`` is ``None``; returns ``self``."""
        try:
            events = self._events
        except AttributeError:
            return self
        if 'removeListener' not in events:
            if event is None:
                names = list(events)
                events.clear()
                try:
                    if self._warned:
                        self._warned.clear()
                except AttributeError:
                    pass
                for name in names:
                    self._listeners_changed(name)
            elif event in events:
                del events[event]
                self._forget_warning(event)
                self._listeners_changed(event)
            return self
        if event is None:
            for name in list(events):
                if name != 'removeListener':
                    self.remove_all_listeners(name)
            self.remove_all_listeners('removeListener')
            # Listeners added by 'removeListener' handlers meanwhile go too.
            rest = list(events)
            events.clear()
            for name in rest:
                self._forget_warning(name)
                self._listeners_changed(name)
            return self
        current = events.get(event)
        if current is not None:
            for i in range(len(current) - 1, -1, -1):  # LIFO, as Node
                self.remove_listener(event, current[i])
        return self

    # -------------------------------------------------------------- emitting
    def emit(self, event: Any, *args: Any) -> bool:
        """Call every listener of ``event`` with ``args``; ``True`` if there
        was at least one."""
        try:
            listeners = self._events.get(event)
        except AttributeError:
            listeners = None
        if listeners is not None:
            if len(listeners) == 1:
                listeners[0](*args)
            else:
                for listener in listeners:
                    listener(*args)
            return True
        if event == 'error':
            err = args[0] if args else None
            if isinstance(err, BaseException):
                raise err
            exc = RuntimeError('Unhandled error. (%r)' % (err,))
            exc.code = 'ERR_UNHANDLED_ERROR'  # type: ignore[attr-defined]
            exc.context = err  # type: ignore[attr-defined]
            raise exc
        return False

    # ------------------------------------------------------------ inspecting
    def listeners(self, event: Any) -> List[Callable[..., Any]]:
        """A new list of the listeners of ``event`` (``once`` unwrapped)."""
        try:
            current = self._events.get(event)
        except AttributeError:
            return []
        if current is None:
            return []
        return [_unwrap(item) for item in current]

    def raw_listeners(self, event: Any) -> List[Callable[..., Any]]:
        """A new list of the listeners of ``event``, ``once`` wrappers
        included (calling one fires and removes it)."""
        try:
            current = self._events.get(event)
        except AttributeError:
            return []
        return [] if current is None else list(current)

    def listener_count(self, event: Any, listener: Any = None) -> int:
        """How many listeners ``event`` has (only those equal to
        ``listener``, or wrapping it, when given)."""
        try:
            current = self._events.get(event)
        except AttributeError:
            return 0
        if current is None:
            return 0
        if listener is None:
            return len(current)
        return sum(1 for item in current
                   if item is listener or _unwrap(item) is listener)

    def event_names(self) -> List[Any]:
        """The events that have listeners, in the order they got their
        first one."""
        try:
            return list(self._events)
        except AttributeError:
            return []

    def set_max_listeners(self: _Emitter, n: Any) -> _Emitter:
        """Warn when an event gets more than ``n`` listeners (0 or
        ``math.inf``: never); returns ``self``."""
        if isinstance(n, bool) or not isinstance(n, (int, float)):
            raise _arg_type_error(
                'The "n" argument must be of type number. ' + _describe(n))
        if n != n or n < 0:
            raise _out_of_range_error(
                'The value of "n" is out of range. It must be >= 0. '
                'Received %r' % (n,))
        self._max_listeners = n
        return self

    def get_max_listeners(self) -> Any:
        """The current limit (``default_max_listeners`` unless set)."""
        try:
            limit = self._max_listeners
        except AttributeError:
            limit = None
        return self.default_max_listeners if limit is None else limit

    # ------------------------------------------------------- Node's names
    addListener = add_listener
    prependListener = prepend_listener
    prependOnceListener = prepend_once_listener
    removeListener = remove_listener
    removeAllListeners = remove_all_listeners
    listenerCount = listener_count
    eventNames = event_names
    setMaxListeners = set_max_listeners
    getMaxListeners = get_max_listeners
    rawListeners = raw_listeners
